import { parseArgs } from "node:util";
import { z } from "zod";
import { MAX_GRANT_TTL_SECONDS } from "../lib/grants/grant.types";
import { audienceOf } from "./call-grants";
import { parsePassEnv } from "./upstream-secrets";
import { parseUpstreamSpec, type TUpstreamSpec, UPSTREAM_NAME } from "./upstream-spec";

export const USAGE = `Usage: airlock-bridge --upstream "<command line>" [--upstream …] (--dashboard URL --token TOKEN | --policy FILE)

  --upstream SPEC     an MCP server to protect (repeatable): "<command line>", "name=<command line>",
                      "<http(s) URL>" or "name=<http(s) URL>" for a Streamable HTTP server
  --dashboard URL     the Airlock dashboard (or AIRLOCK_DASHBOARD_URL)
  --token TOKEN       this bridge's token (or AIRLOCK_BRIDGE_TOKEN; prefer the variable:
                      command lines are visible to other users of the machine)
  --policy FILE       a local policy file (YAML or JSON) instead of the dashboard's rules
  --audit-log FILE    with --policy: append audit events as NDJSON to FILE (default: stderr)
  --name NAME         this bridge's name (with --policy, what rules' match.bridge sees;
                      with --dashboard the dashboard's name for the token wins)
  --http HOST:PORT    serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio
  --idle-timeout SEC  with --http: close a session (and its upstream sessions) after SEC
                      seconds with no request and no open stream (default 1800)
  --max-sessions N    with --http: at most N MCP sessions at once (default 64); an
                      initialize over the cap gets HTTP 503 and starts nothing
  --auth oauth|none   with --http: oauth makes /mcp an OAuth-protected resource whose tokens the
                      dashboard issues; every request needs a user's bearer token, and that user
                      is the call's principal (default: oauth when the host is not loopback and
                      --dashboard is set, none otherwise)
  --public-url URL    with --auth oauth: the URL clients reach /mcp at (behind TLS termination or
                      a proxy); it is the tokens' audience (default: http://HOST:PORT/mcp)
  --insecure-no-auth  with --http on a non-loopback host: serve WITHOUT authentication anyway
                      (otherwise refused: anyone who reaches the port could call the tools)
  --max-upstream-processes N
                      at most N upstream server processes at once (default 256); each
                      session runs one per command-line upstream
  --grants on|off     per-call grants: each forwarded call carries a signed, single-use token
                      naming its tool and arguments (default on with --dashboard; needs one)
  --grant-ttl SEC     how long a grant lives, 1 to 60 seconds (default 60)
  --grant-rotation SEC
                      how often the signing key is replaced (default 3600, 10 to 86400)
  --grant-audience NAME=AUD
                      the audience (aud) of upstream NAME's grants (repeatable; default: an
                      HTTP upstream's URL without query, a stdio upstream's name)
  --grant-header [NAME=]HEADER
                      the HTTP header upstream NAME (or every HTTP upstream) gets its grant
                      in (default Authorization, as "Bearer <jwt>"; another header gets the bare
                      token); stdio upstreams get it in _meta["airlock/grant"]
  --secrets FILE      credentials for the upstreams (YAML or JSON: environment variables
                      for command-line servers, headers for HTTP ones); see the README
  --pass-env VAR      pass the bridge's variable VAR to every command-line upstream, or
                      "name:VAR" to one (repeatable). Nothing else of the agent's
                      environment reaches an upstream: only PATH, HOME, USER, SHELL,
                      TERM, LOGNAME and the secrets configured for it
  --metrics [HOST:]PORT
                      serve Prometheus metrics at http://HOST:PORT/metrics (HOST defaults
                      to 127.0.0.1); only loopback clients may scrape, or, with
                      AIRLOCK_METRICS_TOKEN set, the bearer of that token
  --help              this text`;

const ZHostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[\w.-]+):(\d{1,5})$/, "expected HOST:PORT, e.g. 127.0.0.1:8808")
  .transform((value, ctx) => {
    const at = value.lastIndexOf(":");
    const port = Number(value.slice(at + 1));
    if (port > 65_535) {
      ctx.addIssue({ code: "custom", message: "the port must be between 0 and 65535" });
      return z.NEVER;
    }
    return { host: value.slice(0, at).replace(/^\[|\]$/g, ""), port };
  });

const ZCount = z.coerce
  .number({ error: "expected a whole number" })
  .int("expected a whole number")
  .min(1, "must be at least 1")
  .max(100_000, "must be at most 100000");

const ZOptions = z
  .object({
    upstream: z.array(z.string().trim().min(1)).min(1, "at least one --upstream is required"),
    dashboard: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).optional(),
    token: z.string().trim().min(1).optional(),
    policy: z.string().min(1).optional(),
    "audit-log": z.string().min(1).optional(),
    name: z.string().regex(UPSTREAM_NAME, "letters, digits, _ and -, starting with a letter (at most 40)").optional(),
    http: ZHostPort.optional(),
    "idle-timeout": z.coerce
      .number({ error: "expected a number of seconds" })
      .int("expected a whole number of seconds")
      .min(1, "must be at least 1 second")
      .max(7 * 24 * 3600, "must be at most a week")
      .optional(),
    "max-sessions": ZCount.optional(),
    "max-upstream-processes": ZCount.optional(),
    grants: z.enum(["on", "off"], { error: "expected on or off" }).optional(),
    "grant-ttl": z.coerce
      .number({ error: "expected a number of seconds" })
      .int("expected a whole number of seconds")
      .min(1, "must be at least 1 second")
      .max(MAX_GRANT_TTL_SECONDS, `must be at most ${MAX_GRANT_TTL_SECONDS} seconds`)
      .optional(),
    "grant-rotation": z.coerce
      .number({ error: "expected a number of seconds" })
      .int("expected a whole number of seconds")
      .min(10, "must be at least 10 seconds")
      .max(86_400, "must be at most a day")
      .optional(),
    "grant-audience": z.array(z.string().regex(/^[A-Za-z][\w-]{0,39}=\S{1,500}$/, "expected NAME=AUDIENCE")).optional(),
    "grant-header": z.array(z.string().regex(/^([A-Za-z][\w-]{0,39}=)?[A-Za-z0-9-]{1,100}$/, "expected [NAME=]HEADER")).optional(),
    auth: z.enum(["oauth", "none"], { error: "expected oauth or none" }).optional(),
    "public-url": z
      .url({ protocol: /^https?$/, error: "expected an http(s) URL" })
      .refine((u) => !u.includes("#"), "the resource URL has no fragment")
      .optional(),
    "insecure-no-auth": z.boolean().optional(),
    secrets: z.string().min(1).optional(),
    "pass-env": z.array(z.string()).optional(),
    // A bare port binds to loopback: metrics are exposed beyond the machine only when asked.
    metrics: z
      .string()
      .transform((value) => (/^\d{1,5}$/.test(value) ? `127.0.0.1:${value}` : value))
      .pipe(ZHostPort)
      .optional(),
  })
  .refine((o) => !(o.dashboard && o.policy), { message: "use either --dashboard or --policy, not both" })
  .refine((o) => o.dashboard || o.policy, {
    message:
      "no policy source, refusing to start (fail closed): pass --dashboard URL with --token (or AIRLOCK_DASHBOARD_URL / AIRLOCK_BRIDGE_TOKEN), or --policy FILE",
  })
  .refine((o) => !o.dashboard || o.token, { message: "--dashboard needs a bridge token (--token or AIRLOCK_BRIDGE_TOKEN)" })
  .refine((o) => o["idle-timeout"] === undefined || o.http, { message: "--idle-timeout goes with --http: a stdio session ends when its client does" })
  .refine((o) => o["max-sessions"] === undefined || o.http, { message: "--max-sessions goes with --http: a stdio bridge serves one session" })
  .refine((o) => !o["audit-log"] || o.policy, { message: "--audit-log goes with --policy; with --dashboard the audit trail is the dashboard's" })
  .refine((o) => !(o.grants === "on" && !o.dashboard), {
    message: "--grants on needs --dashboard: the dashboard publishes the keys upstreams verify grants with",
  })
  .refine((o) => !o.auth || o.http, { message: "--auth goes with --http: a stdio bridge's client is the process that started it" })
  .refine((o) => o.auth !== "oauth" || o.dashboard, { message: "--auth oauth needs --dashboard: the dashboard signs users in and issues the tokens" })
  .refine((o) => !o["insecure-no-auth"] || o.auth !== "oauth", { message: "--insecure-no-auth contradicts --auth oauth" });

export interface BridgeOptions {
  upstreams: TUpstreamSpec[];
  dashboard?: { url: string; token: string };
  policyFile?: string;
  auditLog?: string;
  name?: string;
  http?: {
    host: string;
    port: number;
    idleTimeoutMs: number;
    maxSessions: number;
    /** oauth: /mcp needs a bearer token the dashboard issued for `publicUrl` (or the listening URL). */
    auth: "oauth" | "none";
    publicUrl?: string;
  };
  /** How many upstream server processes may run at once, across all sessions. */
  maxUpstreamProcesses: number;
  /** Per-call grants (on by default with a dashboard). */
  grants?: {
    ttlSeconds: number;
    rotationMs: number;
    /** Each upstream's audience, by upstream name. */
    audiences: Map<string, string>;
    /** The header each HTTP upstream gets its grant in, by upstream name (absent: Authorization). */
    headers: Map<string, string>;
  };
  secretsFile?: string;
  passEnv: { upstream: string | null; name: string }[];
  /** --metrics: where /metrics is served. */
  metrics?: { host: string; port: number };
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1"]);
const WILDCARD_HOSTS = new Set(["0.0.0.0", "::"]);

const DEFAULT_IDLE_TIMEOUT_SECONDS = 1800;
// Each session of an --http bridge spawns its own upstream processes: without a cap,
// anyone who can reach the port can make the machine run one process per initialize.
const DEFAULT_MAX_SESSIONS = 64;
const DEFAULT_MAX_UPSTREAM_PROCESSES = 256;

export class UsageError extends Error {}

/** Reads flags and environment; throws UsageError with a message fit for a terminal (the token never appears in it). */
export function parseBridgeOptions(argv: string[], env: Record<string, string | undefined> = process.env): BridgeOptions | "help" {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        upstream: { type: "string", multiple: true },
        dashboard: { type: "string" },
        token: { type: "string" },
        policy: { type: "string" },
        "audit-log": { type: "string" },
        name: { type: "string" },
        http: { type: "string" },
        "idle-timeout": { type: "string" },
        "max-sessions": { type: "string" },
        "max-upstream-processes": { type: "string" },
        grants: { type: "string" },
        "grant-ttl": { type: "string" },
        "grant-rotation": { type: "string" },
        "grant-audience": { type: "string", multiple: true },
        "grant-header": { type: "string", multiple: true },
        auth: { type: "string" },
        "public-url": { type: "string" },
        "insecure-no-auth": { type: "boolean" },
        secrets: { type: "string" },
        "pass-env": { type: "string", multiple: true },
        metrics: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  // An explicit --policy means "local rules": a dashboard URL left in the environment must not turn that into a conflict.
  const result = ZOptions.safeParse({
    ...values,
    upstream: values.upstream ?? [],
    dashboard: values.dashboard ?? (values.policy ? undefined : env.AIRLOCK_DASHBOARD_URL || undefined),
    token: values.token ?? (env.AIRLOCK_BRIDGE_TOKEN || undefined),
    "grant-rotation": values["grant-rotation"] ?? (env.AIRLOCK_GRANT_ROTATION_SECONDS || undefined),
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    const flag = issue.path[0] === undefined ? "" : `--${String(issue.path[0])}: `;
    throw new UsageError(`${flag}${issue.message}`);
  }
  const o = result.data;
  let upstreams: TUpstreamSpec[];
  try {
    upstreams = o.upstream.map(parseUpstreamSpec);
  } catch (error) {
    throw new UsageError(`--upstream: ${(error as Error).message}`);
  }
  const names = upstreams.map((u) => u.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new UsageError(`--upstream: two upstreams are named "${duplicate}"; name them with name=<command>`);
  const maxUpstreamProcesses = o["max-upstream-processes"] ?? DEFAULT_MAX_UPSTREAM_PROCESSES;
  const processesPerSession = upstreams.filter((u) => u.kind === "stdio").length;
  if (processesPerSession > maxUpstreamProcesses) {
    throw new UsageError(
      `--max-upstream-processes: one session needs ${processesPerSession} processes (one per command-line --upstream); allow at least that many`,
    );
  }
  const auth = o.auth ?? (o.http && o.dashboard && !LOOPBACK_HOSTS.has(o.http.host) ? "oauth" : "none");
  if (o["public-url"] && auth !== "oauth") throw new UsageError("--public-url goes with --auth oauth (on loopback, OAuth is off unless asked for)");
  if (o.http && auth === "none" && !LOOPBACK_HOSTS.has(o.http.host) && !o["insecure-no-auth"]) {
    throw new UsageError(
      `--http: refusing to serve on ${o.http.host} without authentication (anyone who reaches the port could call the tools): use --auth oauth with --dashboard, bind to 127.0.0.1, or, knowing what it means, pass --insecure-no-auth`,
    );
  }
  if (o.http && auth === "oauth" && !o["public-url"] && WILDCARD_HOSTS.has(o.http.host)) {
    throw new UsageError(
      `--public-url: serving on ${o.http.host} (every interface), the bridge cannot tell which URL clients use; give it (it is the tokens' audience)`,
    );
  }
  let passEnv: BridgeOptions["passEnv"];
  try {
    passEnv = (o["pass-env"] ?? []).map(parsePassEnv);
  } catch (error) {
    throw new UsageError(`--pass-env: ${(error as Error).message}`);
  }
  const unknown = passEnv.find((p) => p.upstream !== null && !names.includes(p.upstream));
  if (unknown) throw new UsageError(`--pass-env: no upstream is named "${unknown.upstream}" (upstreams: ${names.join(", ")})`);
  return {
    upstreams,
    grants: o.dashboard && o.grants !== "off" ? grantOptions(o, upstreams) : undefined,
    secretsFile: o.secrets,
    passEnv,
    dashboard: o.dashboard && o.token ? { url: o.dashboard.replace(/\/+$/, ""), token: o.token } : undefined,
    policyFile: o.policy,
    auditLog: o["audit-log"],
    name: o.name,
    http: o.http && {
      ...o.http,
      idleTimeoutMs: (o["idle-timeout"] ?? DEFAULT_IDLE_TIMEOUT_SECONDS) * 1000,
      maxSessions: o["max-sessions"] ?? DEFAULT_MAX_SESSIONS,
      auth,
      publicUrl: o["public-url"],
    },
    maxUpstreamProcesses,
    metrics: o.metrics,
  };
}

/** The grant flags, checked against the upstreams they name. */
function grantOptions(o: z.infer<typeof ZOptions>, upstreams: TUpstreamSpec[]): NonNullable<BridgeOptions["grants"]> {
  const named = (flag: string, values: string[]) =>
    new Map(
      values.map((value) => {
        const at = value.indexOf("=");
        const name = value.slice(0, at);
        if (!upstreams.some((u) => u.name === name)) throw new UsageError(`--${flag}: no upstream is named "${name}"`);
        return [name, value.slice(at + 1)];
      }),
    );
  const configured = named("grant-audience", o["grant-audience"] ?? []);
  const audiences = new Map(upstreams.map((u) => [u.name, audienceOf(u, configured.get(u.name))]));
  const everyHeader = (o["grant-header"] ?? []).filter((h) => !h.includes("="));
  if (everyHeader.length > 1) throw new UsageError("--grant-header: give one header for every upstream, or NAME=HEADER for each");
  const perUpstream = named(
    "grant-header",
    (o["grant-header"] ?? []).filter((h) => h.includes("=")),
  );
  const headers = new Map(
    upstreams.flatMap((u) =>
      u.kind === "http" && (perUpstream.get(u.name) ?? everyHeader[0]) ? [[u.name, (perUpstream.get(u.name) ?? everyHeader[0]).toLowerCase()]] : [],
    ) as [string, string][],
  );
  return {
    ttlSeconds: o["grant-ttl"] ?? MAX_GRANT_TTL_SECONDS,
    rotationMs: (o["grant-rotation"] ?? 3600) * 1000,
    audiences,
    headers,
  };
}
