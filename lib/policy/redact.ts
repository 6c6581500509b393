import { z } from "zod";

/** What a redacted argument becomes in what the dashboard and the audit trail store. */
export const REDACTED = "[redacted by Airlock]";

/** A path into a call's arguments: keys separated by dots, `*` for every key or array item (`headers.authorization`, `files.*.content`). */
export const ZArgumentPath = z
  .string()
  .max(200)
  .regex(/^(\*|[\w-]+)(\.(\*|[\w-]+))*$/, "an argument path is keys separated by dots, with * for any key or item (e.g. files.*.content)");

type Key = string | number;
/** Called for each value a path reaches, with the concrete keys that lead to it. */
type Visit = (container: Record<Key, unknown>, key: Key, trail: Key[]) => void;

function walk(value: unknown, segments: string[], visit: Visit, trail: Key[] = []): void {
  if (!value || typeof value !== "object") return;
  const [head, ...rest] = segments;
  const container = value as Record<string, unknown> | unknown[];
  const keys: Key[] =
    head === "*" ? (Array.isArray(container) ? container.map((_, i) => i) : Object.keys(container)) : Array.isArray(container) ? [Number(head)] : [head];
  for (const key of keys) {
    const child = (container as Record<Key, unknown>)[key];
    if (child === undefined) continue;
    if (rest.length) walk(child, rest, visit, [...trail, key]);
    else visit(container as Record<Key, unknown>, key, [...trail, key]);
  }
}

/** A copy of the arguments with every value at the given paths replaced by REDACTED. */
export function redactArguments(args: Record<string, unknown>, paths: readonly string[] | undefined): Record<string, unknown> {
  if (!paths?.length) return args;
  const copy = structuredClone(args);
  for (const path of paths) walk(copy, path.split("."), (container, key) => (container[key] = REDACTED));
  return copy;
}

/**
 * Puts the original values back where a reviewer's (possibly edited) copy of
 * redacted arguments still holds REDACTED: a reviewer who could not see a value
 * cannot have meant to send the placeholder.
 */
export function restoreRedacted(
  edited: Record<string, unknown>,
  original: Record<string, unknown>,
  paths: readonly string[] | undefined,
): Record<string, unknown> {
  if (!paths?.length) return edited;
  const copy = structuredClone(edited);
  for (const path of paths) {
    walk(copy, path.split("."), (container, key, trail) => {
      if (container[key] !== REDACTED) return;
      // The same location in the original arguments.
      const source = trail.reduce<unknown>((value, step) => (value as Record<Key, unknown> | undefined)?.[step], original);
      if (source !== undefined) container[key] = source;
    });
  }
  return copy;
}
