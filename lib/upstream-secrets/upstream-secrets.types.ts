import { z } from "zod";

// What the upstream-secret routes, the CLI and the bridge accept. Pure (zod only).

/** The bridge's upstream names (`--upstream name=…`): a letter, then letters, digits, _ or -. */
export const ZUpstreamName = z.string().regex(/^[A-Za-z][\w-]{0,39}$/, "an upstream name: a letter, then up to 39 letters, digits, _ or -");

/** Environment variable names a process can be given (POSIX portable names). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** HTTP header field names (RFC 9110 token characters). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
/**
 * Headers the bridge or the transport owns: a secret may not replace the MCP session, the
 * protocol version, the framing or the connection. (Authorization is allowed: it is the
 * usual place for an upstream's credential.)
 */
const RESERVED_HEADERS = new Set([
  "host",
  "content-length",
  "content-type",
  "accept",
  "connection",
  "transfer-encoding",
  "te",
  "upgrade",
  "keep-alive",
  "mcp-session-id",
  "mcp-protocol-version",
  "last-event-id",
]);
/** Variables that change what program runs or how it loads: an upstream secret may not set them. */
const RESERVED_ENV = /^(PATH|LD_.*|DYLD_.*|NODE_OPTIONS|NODE_PATH|PYTHONPATH|PYTHONSTARTUP|BASH_ENV|ENV|SHELL|HOME|AIRLOCK_.*)$/;

export const SECRET_KINDS = ["env", "header"] as const;
export type TSecretKind = (typeof SECRET_KINDS)[number];

/** A value: printable, one line for a header (CR/LF would split it), at most 16 KiB. */
const ZSecretValue = z
  .string()
  .min(1, "the value is empty")
  .max(16_384, "the value is longer than 16 KiB")
  .refine((v) => !v.includes("\0"), "the value contains a NUL character");

const targetFields = {
  upstream: ZUpstreamName,
  kind: z.enum(SECRET_KINDS),
  name: z.string().min(1).max(128),
  /** A bridge's name; absent or "*" for every bridge. */
  bridge: z.string().min(1).max(200).optional(),
};

function checkTarget(t: { kind: TSecretKind; name: string }, ctx: z.RefinementCtx): void {
  const issue = (message: string) => ctx.addIssue({ code: "custom", path: ["name"], message });
  if (t.kind === "env" && !ENV_NAME.test(t.name)) issue("an environment variable name: letters, digits and _, not starting with a digit");
  else if (t.kind === "env" && RESERVED_ENV.test(t.name)) issue(`${t.name} decides what program runs or how it loads; it cannot be an upstream secret`);
  if (t.kind === "header" && !HEADER_NAME.test(t.name)) issue("not a valid HTTP header name");
  else if (t.kind === "header" && RESERVED_HEADERS.has(t.name.toLowerCase())) issue(`${t.name} belongs to the MCP transport; it cannot be an upstream secret`);
}

/** Which secret (to delete one). */
export const ZSecretTarget = z.object(targetFields).strict().superRefine(checkTarget);
export type TSecretTarget = z.infer<typeof ZSecretTarget>;

export const ZSetUpstreamSecret = z
  .object({ ...targetFields, value: ZSecretValue })
  .strict()
  .superRefine((input, ctx) => {
    checkTarget(input, ctx);
    if (input.kind === "header" && /[\r\n]/.test(input.value)) ctx.addIssue({ code: "custom", path: ["value"], message: "a header value must be one line" });
  });
export type TSetUpstreamSecret = z.infer<typeof ZSetUpstreamSecret>;

/** What a bridge receives: per upstream, its environment variables and headers, and a version to notice changes. */
export const ZBridgeSecrets = z.object({
  version: z.string(),
  upstreams: z.record(ZUpstreamName, z.object({ env: z.record(z.string(), z.string()), headers: z.record(z.string(), z.string()) })),
});
export type TBridgeSecrets = z.infer<typeof ZBridgeSecrets>;
