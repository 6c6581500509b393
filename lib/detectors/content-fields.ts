import type { TTextField } from "./detector.types";

/**
 * A result or argument value longer than this is scanned in its first part, and a finding
 * says so (a redacting rule withholds the rest). 1 MiB: a long web page is read whole.
 */
export const MAX_CONTENT_CHARS = 1024 * 1024;
const MAX_DEPTH = 32;
/** Base64 of a text blob read at most this far (about 1.5 MB decoded). */
const MAX_BLOB_CHARS = 2 * 1024 * 1024;
const isTextMime = (mime: unknown) =>
  typeof mime === "string" && /^(?:text\/|application\/(?:json|xml|yaml|x-yaml|toml|javascript|x-sh|x-env)|[^;]*\+(?:json|xml))/i.test(mime);
const MAX_FIELDS = 5_000;

/**
 * Every string in a JSON value, with its path (`arguments.to`, `structuredContent.items.0.body`).
 * Object keys are part of the path, so a detector can read `password` in `arguments.password`.
 * Bounded: deep or huge values are walked in part and never throw.
 */
export function jsonFields(root: string, value: unknown): TTextField[] {
  const fields: TTextField[] = [];
  const walk = (path: string, v: unknown, depth: number) => {
    if (fields.length >= MAX_FIELDS || depth > MAX_DEPTH) return;
    if (typeof v === "string") {
      if (v.length) fields.push({ location: path, text: v });
    } else if (typeof v === "number" || typeof v === "bigint") {
      // Card numbers and phone numbers arrive as numbers too.
      fields.push({ location: path, text: String(v) });
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length && fields.length < MAX_FIELDS; i++) walk(`${path}.${i}`, v[i], depth + 1);
    } else if (v && typeof v === "object") {
      for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
        if (fields.length >= MAX_FIELDS) break;
        walk(`${path}.${key}`, item, depth + 1);
      }
    }
  };
  walk(root, value, 0);
  return fields;
}

/**
 * The text of a tool result (or a resource read, or a prompt got) that reaches the model:
 * text content, embedded resources' text, resource links' names and descriptions, and
 * structured content. A plain string is one field, `text`. Images and blobs are not text.
 */
export function resultFields(result: unknown): TTextField[] {
  if (typeof result === "string") return result.length ? [{ location: "text", text: result }] : [];
  if (!result || typeof result !== "object") return [];
  const r = result as Record<string, unknown>;
  const fields: TTextField[] = [];
  const blocks = Array.isArray(r.content) ? r.content : Array.isArray(r.contents) ? r.contents : Array.isArray(r.messages) ? r.messages : null;
  const root = Array.isArray(r.content) ? "content" : Array.isArray(r.contents) ? "contents" : "messages";
  if (blocks) {
    blocks.forEach((block, i) => {
      if (!block || typeof block !== "object") return;
      const b = block as Record<string, unknown>;
      // A prompt's messages wrap their content: { role, content: { type, text } }.
      const inner = b.content && typeof b.content === "object" && !Array.isArray(b.content) ? (b.content as Record<string, unknown>) : b;
      const at = inner === b ? `${root}.${i}` : `${root}.${i}.content`;
      for (const key of ["text", "name", "title", "description", "uri"] as const) {
        if (typeof inner[key] === "string" && (inner[key] as string).length) fields.push({ location: `${at}.${key}`, text: inner[key] as string });
      }
      const resource = inner.resource as Record<string, unknown> | undefined;
      if (resource && typeof resource.text === "string") fields.push({ location: `${at}.resource.text`, text: resource.text });
      // A text file sent as a blob (a .env, a JSON config) reaches the model as text all the same.
      const blob = resource?.blob ?? (inner.type === "resource" ? undefined : inner.blob);
      if (typeof blob === "string" && isTextMime(resource?.mimeType ?? inner.mimeType)) {
        fields.push({ location: `${at}.resource.blob`, text: Buffer.from(blob.slice(0, MAX_BLOB_CHARS), "base64").toString("utf8") });
      }
    });
  }
  if (r.structuredContent !== undefined) fields.push(...jsonFields("structuredContent", r.structuredContent));
  if (!blocks && r.structuredContent === undefined) fields.push(...jsonFields("result", r));
  return fields;
}

/** Fields longer than the documented size are scanned in their first part; the caller reports it. */
export function boundFields(fields: readonly TTextField[]): { fields: TTextField[]; cut: TTextField[] } {
  const cut: TTextField[] = [];
  const bounded = fields.map((field) => {
    if (field.text.length <= MAX_CONTENT_CHARS) return field;
    cut.push(field);
    return { ...field, text: field.text.slice(0, MAX_CONTENT_CHARS) };
  });
  return { fields: bounded, cut };
}
