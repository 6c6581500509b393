import { DashboardError } from "./dashboard-client";

/**
 * Why the bridge has no policy from its dashboard, in words that point at the fix.
 * A wrong token and a dashboard nobody serves both end in the same place (no
 * policy, so no tool is exposed): without this the agent just sees zero tools.
 * The token itself never appears, only where it comes from.
 */
export function describeDashboardProblem(url: string, error: unknown): string {
  if (error instanceof DashboardError && (error.status === 401 || error.status === 403)) {
    return `the dashboard at ${url} refused the bridge token (HTTP ${error.status}): check AIRLOCK_BRIDGE_TOKEN / --token`;
  }
  if (error instanceof DashboardError && error.status === undefined) {
    return `cannot reach the dashboard at ${url}: ${error.detail ?? error.message}`;
  }
  return `the dashboard at ${url} did not give the bridge its policy: ${error instanceof Error ? error.message : String(error)}`;
}

/** What the MCP client (and its model) is told when a problem keeps every tool away. */
export function noToolsNotice(problem: string): string {
  return `Airlock: no tools are available through this bridge because ${problem}. Calls are refused until this is fixed (the bridge keeps retrying); tell the user, who should ask whoever runs the bridge.`;
}
