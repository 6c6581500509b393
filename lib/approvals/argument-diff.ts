/**
 * What a reviewer changed in a call's arguments, field by field: the paths
 * (`content`, `options.mode`, `recipients[1]`) whose values differ between the
 * arguments the agent proposed and those that were approved. Shared by the
 * detail view (a diff) and the bridge (it tells the agent which fields changed).
 */
export type TArgumentChange =
  | { path: string; kind: "added"; after: unknown }
  | { path: string; kind: "removed"; before: unknown }
  | { path: string; kind: "changed"; before: unknown; after: unknown };

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** A path segment as a reader would write it: `a.b`, `a["odd key"]`, `a[2]`. */
function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** Whether two JSON values are equal (key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
  }
  return false;
}

/**
 * The changes from `before` to `after`, depth first, at most `limit` of them.
 * Objects are compared key by key; arrays of equal length element by element;
 * anything else (a scalar, arrays of different lengths) as one changed value.
 */
export function diffArguments(before: unknown, after: unknown, limit = 200): TArgumentChange[] {
  const changes: TArgumentChange[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (changes.length >= limit || sameJson(a, b)) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of Object.keys(a)) {
        if (!Object.hasOwn(b, key)) changes.push({ path: childPath(path, key), kind: "removed", before: a[key] });
        else walk(a[key], b[key], childPath(path, key));
      }
      for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) changes.push({ path: childPath(path, key), kind: "added", after: b[key] });
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      for (let i = 0; i < a.length; i++) walk(a[i], b[i], childPath(path, i));
      return;
    }
    changes.push({ path: path || "(arguments)", kind: "changed", before: a, after: b });
  };
  walk(before, after, "");
  return changes.slice(0, limit);
}
