import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ZPolicy, type TPolicy } from "../lib/policy/policy.types";
import type { DashboardClient } from "./dashboard-client";
import { log } from "./log";

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

/**
 * The policy the gate enforces. From a file it is fixed; from the dashboard it
 * is fetched at start, re-fetched when the dashboard says it changed and on
 * every reconnect. Until one is loaded `current` is null and calls are refused.
 */
export class PolicySource {
  current: TPolicy | null = null;
  bridgeName: string | null = null;

  static fromFile(path: string): PolicySource {
    const source = new PolicySource();
    source.current = loadPolicyFile(path);
    return source;
  }

  static fromDashboard(dashboard: DashboardClient): PolicySource {
    const source = new PolicySource();
    const refresh = () =>
      dashboard.fetchPolicy().then(
        ({ bridge, policy }) => {
          source.current = policy;
          source.bridgeName = bridge.name;
          if (policy.version) dashboard.socket.emit("bridge:policy", { version: policy.version });
        },
        (error) => log("could not load the policy", error),
      );
    dashboard.socket.on("policy:changed", refresh);
    dashboard.socket.on("connect", refresh);
    source.ready = refresh();
    return source;
  }

  /** Resolves once the first load attempt finished (successfully or not). */
  ready: Promise<void> = Promise.resolve();
}
