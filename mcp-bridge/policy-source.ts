import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { type TPolicy, ZPolicy } from "../lib/policy/policy.types";
import type { DashboardClient } from "./dashboard-client";
import { log } from "./log";

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

/** Reads and validates a policy file (YAML or JSON; JSON is YAML). Throws with the first problem's path. */
export function loadPolicyFile(path: string): TPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`cannot read policy file ${path}: ${(error as Error).message}`);
  }
  const result = ZPolicy.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`invalid policy file ${path}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return result.data;
}

export interface PolicySourceOptions {
  /** First retry delay after a failed fetch; doubles up to 30 s. */
  retryFirstMs?: number;
}

/**
 * The policy the gate enforces. From a file it is fixed; from the dashboard it
 * is fetched at start, re-fetched when the dashboard says it changed and on
 * every (re)connect, and retried with backoff after a failure. Until one is
 * loaded `current` is null and every call is refused (fail closed).
 */
export class PolicySource {
  current: TPolicy | null = null;
  /** The bridge's name as rules' `match.bridge` sees it ("" when unknown). */
  bridgeName: string | null = null;
  /** Why the last load failed; null once a load succeeded. */
  lastError: unknown = null;
  /** Resolves once the first load attempt finished (successfully or not). */
  ready: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<() => void>();

  /** Called after a new policy took effect (sessions re-list their tools: some may be hidden or shown now). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  static fromFile(path: string, bridgeName?: string): PolicySource {
    const source = new PolicySource();
    source.current = loadPolicyFile(path);
    source.bridgeName = bridgeName ?? null;
    return source;
  }

  static fromDashboard(dashboard: DashboardClient, options: PolicySourceOptions = {}): PolicySource {
    const source = new PolicySource();
    const firstDelay = options.retryFirstMs ?? RETRY_FIRST_MS;
    let delay = firstDelay;
    // Only the newest fetch may apply: an older answer arriving late must not roll the policy back.
    let latest = 0;
    const refresh = async () => {
      const seq = ++latest;
      if (source.retryTimer) clearTimeout(source.retryTimer);
      source.retryTimer = null;
      try {
        const { bridge, policy } = await dashboard.fetchPolicy();
        if (seq !== latest) return;
        if (source.lastError) log(`the policy is loaded from the dashboard (version ${policy.version ?? "unversioned"}) after failed attempts`);
        source.lastError = null;
        const isChanged = source.current?.version !== policy.version || source.current === null;
        source.current = policy;
        source.bridgeName = bridge.name;
        if (isChanged) for (const listener of source.listeners) listener();
        delay = firstDelay;
        // The dashboard shows which policy version each bridge enforces.
        if (policy.version) dashboard.socket.emit("bridge:policy", { version: policy.version });
      } catch (error) {
        if (seq !== latest) return;
        source.lastError = error;
        // A stale policy stays in force (it was valid); without any, calls stay refused.
        log(`could not load the policy${source.current ? " (keeping the previous one)" : ""}; retrying in ${Math.round(delay / 1000)} s`, error);
        source.retryTimer = setTimeout(() => void refresh(), delay);
        source.retryTimer.unref();
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    };
    dashboard.socket.on("policy:changed", () => void refresh());
    dashboard.socket.on("connect", () => void refresh());
    source.ready = refresh();
    return source;
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
