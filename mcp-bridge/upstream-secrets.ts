import { readFileSync, statSync } from "node:fs";
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { type TBridgeSecrets, ZSetUpstreamSecret, ZUpstreamName } from "../lib/upstream-secrets/upstream-secrets.types";
import type { DashboardClient } from "./dashboard-client";
import { log } from "./log";
import { ClientCredentialsToken, type TOAuthClientCredentials, ZOAuthClientCredentials } from "./upstream-oauth";

// What each upstream server is given: its environment (stdio) and headers (HTTP). The agent's
// own environment is not passed on: an upstream process gets the few variables a program needs
// to run (PATH, HOME, USER, SHELL, TERM, LOGNAME), the variables the operator names with
// --pass-env, and its secrets, from the bridge's --secrets file and from the dashboard (which
// wins). Values live in this process's memory only; nothing here logs one.

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

type Values = { env: Record<string, string>; headers: Record<string, string> };

/** A value in the secrets file: the text itself, `{file: PATH}` (its contents, trailing newline dropped) or `{env: NAME}` (the bridge's variable). */
const ZValueSource = z.union([
  z.string().min(1),
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }).strict(),
]);

const ZSecretsFile = z
  .object({
    upstreams: z.record(
      ZUpstreamName,
      z
        .object({
          env: z.record(z.string(), ZValueSource).optional(),
          headers: z.record(z.string(), ZValueSource).optional(),
          passEnv: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).optional(),
          /** OAuth client credentials: the bridge fetches and refreshes the upstream's bearer token (HTTP upstreams). */
          oauth: ZOAuthClientCredentials.omit({ clientSecret: true }).extend({ clientSecret: ZValueSource }).strict().optional(),
        })
        .strict(),
    ),
  })
  .strict();

/** `VAR` (every upstream) or `upstream:VAR`. */
export function parsePassEnv(spec: string): { upstream: string | null; name: string } {
  const match = /^(?:([A-Za-z][\w-]{0,39}):)?([A-Za-z_][A-Za-z0-9_]{0,127})$/.exec(spec);
  if (!match) throw new Error(`"${spec}" is not VAR or upstream:VAR`);
  if (match[2].startsWith("AIRLOCK_")) throw new Error(`${match[2]} is the bridge's own; it is never passed to an upstream`);
  return { upstream: match[1] ?? null, name: match[2] };
}

function resolveValue(source: z.infer<typeof ZValueSource>, where: string, env: NodeJS.ProcessEnv): string {
  if (typeof source === "string") return source;
  if ("file" in source) {
    try {
      return readFileSync(source.file, "utf8").replace(/\r?\n$/, "");
    } catch (error) {
      throw new Error(`${where}: cannot read ${source.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const value = env[source.env];
  if (value === undefined) throw new Error(`${where}: the bridge's environment has no ${source.env}`);
  return value;
}

/** Reads and checks a secrets file; throws naming the bad entry (never a value). */
export function loadSecretsFile(path: string, env: NodeJS.ProcessEnv = process.env): SecretsFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`cannot read secrets file ${path}: ${(error as Error).message}`);
  }
  const parsed = ZSecretsFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid secrets file ${path}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  try {
    // Readable by others, a file of credentials is not a secret any more: say so (the operator decides).
    if (process.platform !== "win32" && statSync(path).mode & 0o077) log(`warning: ${path} holds secrets and can be read by other users; chmod 600 it`);
  } catch {
    // Read above; a stat failing now changes nothing about its contents.
  }
  const values: Record<string, Values> = {};
  const passEnv: Record<string, string[]> = {};
  const oauth: Record<string, TOAuthClientCredentials> = {};
  for (const [upstream, entry] of Object.entries(parsed.data.upstreams)) {
    const out: Values = { env: {}, headers: {} };
    for (const [kind, map] of [
      ["env", entry.env],
      ["header", entry.headers],
    ] as const) {
      for (const [name, source] of Object.entries(map ?? {})) {
        const where = `${path}: upstreams.${upstream}.${kind === "env" ? "env" : "headers"}.${name}`;
        const value = resolveValue(source, where, env);
        // The dashboard's own rules: no PATH or LD_PRELOAD, no transport headers, one-line headers.
        const checked = ZSetUpstreamSecret.safeParse({ upstream, kind, name, value });
        if (!checked.success) throw new Error(`${where}: ${checked.error.issues[0].message}`);
        if (kind === "env") out.env[name] = value;
        else out.headers[name.toLowerCase()] = value;
      }
    }
    values[upstream] = out;
    if (entry.passEnv) passEnv[upstream] = entry.passEnv.map((name) => parsePassEnv(name).name);
    if (entry.oauth) {
      if (out.headers.authorization) throw new Error(`${path}: upstreams.${upstream}: set either oauth or an Authorization header, not both`);
      oauth[upstream] = { ...entry.oauth, clientSecret: resolveValue(entry.oauth.clientSecret, `${path}: upstreams.${upstream}.oauth.clientSecret`, env) };
    }
  }
  return { values, passEnv, oauth };
}

/** A loaded --secrets file: values per upstream, variables to pass, OAuth client credentials (secrets resolved). */
export interface SecretsFile {
  values: Record<string, Values>;
  passEnv: Record<string, string[]>;
  oauth: Record<string, TOAuthClientCredentials>;
}

export interface UpstreamSecretsOptions {
  /** From --secrets FILE. */
  file?: SecretsFile;
  /** From --pass-env: `upstream` null means every upstream. */
  passEnv?: { upstream: string | null; name: string }[];
  env?: NodeJS.ProcessEnv;
}

export class UpstreamSecrets {
  /** Why the last fetch from the dashboard failed; null once one succeeded. */
  lastError: unknown = null;
  /** Resolves once the first fetch from the dashboard finished (either way). */
  ready: Promise<void> = Promise.resolve();
  private fromDashboard: TBridgeSecrets["upstreams"] = {};
  private dashboardVersion: string | null = null;
  private readonly listeners = new Set<(upstreams: Set<string>) => void>();
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly mergedHeaders = new Map<string, Record<string, string>>();
  private readonly oauth = new Map<string, ClientCredentialsToken>();

  constructor(private readonly options: UpstreamSecretsOptions = {}) {
    for (const [upstream, config] of Object.entries(options.file?.oauth ?? {})) {
      this.oauth.set(upstream, new ClientCredentialsToken(upstream, config, () => this.mergedHeaders.delete(upstream)));
    }
  }

  /** Fetches every OAuth upstream's first access token (resolves either way: failures are retried, and calls fail until one is had). */
  async startOAuth(): Promise<void> {
    await Promise.all([...this.oauth.values()].map((token) => token.start()));
  }

  /** The environment an upstream process starts with. */
  envFor(upstream: string): Record<string, string> {
    const env = this.options.env ?? process.env;
    const passed: Record<string, string> = {};
    const names = [
      ...(this.options.passEnv ?? []).filter((p) => p.upstream === null || p.upstream === upstream).map((p) => p.name),
      ...(this.options.file?.passEnv[upstream] ?? []),
    ];
    for (const name of names) if (env[name] !== undefined) passed[name] = env[name];
    return { ...getDefaultEnvironment(), ...passed, ...this.options.file?.values[upstream]?.env, ...this.fromDashboard[upstream]?.env };
  }

  /** The headers every request to an HTTP upstream carries (read per request: a rotation applies to the next one). */
  headersFor(upstream: string): Record<string, string> {
    const oauth = this.oauth.get(upstream);
    // Without a current token the request is not sent: this throws, naming why.
    if (oauth && !oauth.isCurrent()) oauth.authorization();
    // On every request of the allow path: merged once per change, not per request.
    let headers = this.mergedHeaders.get(upstream);
    if (!headers) {
      headers = {
        ...this.options.file?.values[upstream]?.headers,
        ...this.fromDashboard[upstream]?.headers,
        // The token the bridge fetched wins over a static header from the dashboard.
        ...(oauth ? { authorization: oauth.authorization() } : {}),
      };
      this.mergedHeaders.set(upstream, headers);
    }
    return headers;
  }

  /** Called with the upstreams whose dashboard secrets changed. */
  onChange(listener: (upstreams: Set<string>) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Applies a dashboard answer; tells listeners which upstreams' values differ. */
  apply(answer: TBridgeSecrets): void {
    if (answer.version === this.dashboardVersion) return;
    const changed = new Set<string>();
    for (const name of new Set([...Object.keys(this.fromDashboard), ...Object.keys(answer.upstreams)])) {
      if (JSON.stringify(this.fromDashboard[name] ?? null) !== JSON.stringify(answer.upstreams[name] ?? null)) changed.add(name);
    }
    this.fromDashboard = answer.upstreams;
    this.dashboardVersion = answer.version;
    this.mergedHeaders.clear();
    if (changed.size) for (const listener of this.listeners) listener(changed);
  }

  /** Fetches the dashboard's secrets now, when it says they changed, and on every reconnect; retries with backoff. */
  followDashboard(dashboard: DashboardClient): this {
    let delay = RETRY_FIRST_MS;
    let latest = 0;
    const refresh = async () => {
      const seq = ++latest;
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      try {
        const answer = await dashboard.fetchSecrets();
        if (seq !== latest) return;
        if (this.lastError) log("upstream secrets loaded from the dashboard after failed attempts");
        this.lastError = null;
        delay = RETRY_FIRST_MS;
        this.apply(answer);
      } catch (error) {
        if (seq !== latest) return;
        this.lastError = error;
        log(`could not load the upstream secrets from the dashboard; retrying in ${Math.round(delay / 1000)} s`, error);
        this.retryTimer = setTimeout(() => void refresh(), delay);
        this.retryTimer.unref();
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    };
    dashboard.socket.on("secrets:changed", () => void refresh());
    dashboard.socket.on("connect", () => void refresh());
    this.ready = refresh();
    return this;
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    for (const token of this.oauth.values()) token.close();
  }
}
