import { canonicalJson, sha256Hex } from "../crypto/canonical-hash";

/**
 * The hash that pins a tool definition: SHA-256 of its canonical JSON, all of
 * it (description, schemas, annotations, title, _meta…), because every part of
 * it reaches the model. Any change, however small, is a different definition.
 */
export function hashToolDefinition(definition: object): string {
  return sha256Hex(canonicalJson(definition));
}

export interface DefinitionChange {
  field: string;
  before: string | undefined;
  after: string | undefined;
}

/** The top-level fields that differ between two definitions, each pretty-printed, for a side-by-side review. */
export function diffDefinitions(before: Record<string, unknown> | null, after: Record<string, unknown>): DefinitionChange[] {
  const show = (v: unknown) => (v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(JSON.parse(canonicalJson(v)), null, 2));
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after)])].sort();
  return fields.flatMap((field) => {
    const a = show(before?.[field]);
    const b = show(after[field]);
    return a === b ? [] : [{ field, before: a, after: b }];
  });
}
