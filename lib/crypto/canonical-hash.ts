import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every depth, so equal values hash equally: exactly what
 * `JSON.stringify` writes once every object's keys are sorted (RFC 8785's order for the
 * values the trail holds). Written out rather than through a replacer, which rebuilt every
 * object and cost the audit chain's verify a third of its time.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? (undefined as unknown as string);
}

function canonical(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      const json = (value as { toJSON?: () => unknown }).toJSON;
      if (typeof json === "function") return canonical(json.call(value));
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) out += `${i ? "," : ""}${canonical(value[i]) ?? "null"}`;
        return `${out}]`;
      }
      const keys = Object.keys(value).sort();
      let out = "{";
      let isFirst = true;
      for (const key of keys) {
        const item = canonical((value as Record<string, unknown>)[key]);
        if (item === undefined) continue;
        out += `${isFirst ? "" : ","}${JSON.stringify(key)}:${item}`;
        isFirst = false;
      }
      return `${out}}`;
    }
    case "bigint":
      throw new TypeError("Do not know how to serialize a BigInt");
    default:
      // undefined, functions and symbols: left out of objects, null in arrays, as JSON.stringify does.
      return undefined;
  }
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function hashArguments(args: unknown): string {
  return sha256Hex(canonicalJson(args ?? {}));
}
