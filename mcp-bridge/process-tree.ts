// Upstream servers run in process groups of their own so the bridge can end a whole
// tree, not only the child it spawned: `npx -y pkg` is npm, which runs the real server
// as its own child, and signalling npm alone leaves that server running, orphaned.
import type { ChildProcess } from "node:child_process";
import { log } from "./log";

/** Process groups exist on POSIX systems only; elsewhere the bridge ends the child it spawned. */
export const HAS_PROCESS_GROUPS = process.platform !== "win32";

/** After stdin closes, a well-behaved stdio server exits by itself (the MCP spec's shutdown). */
const STDIN_GRACE_MS = 1_000;
/** After SIGTERM, how long a server may take to clean up before SIGKILL. */
const TERM_GRACE_MS = 2_000;
const POLL_MS = 50;

/** Groups started and not yet ended: the bridge's exit ends them whatever the path to it. */
const liveGroups = new Set<number>();
let isExitHookInstalled = false;

/** Signals every process of a group; false when none is left. Any other failure is logged, not hidden. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    log(`cannot send ${signal || "a probe"} to upstream process group ${pgid}`, error);
    return false;
  }
}

function isTreeAlive(child: ChildProcess): boolean {
  // No pid: the spawn itself failed (a missing command), so there is nothing to end.
  if (child.pid === undefined) return false;
  if (!HAS_PROCESS_GROUPS) return child.exitCode === null && child.signalCode === null;
  return signalGroup(child.pid, 0);
}

async function waitUntilEnded(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isTreeAlive(child)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (HAS_PROCESS_GROUPS && child.pid !== undefined) signalGroup(child.pid, signal);
  else child.kill(signal);
}

/** Records a child spawned with `detached: true` (it leads its own group) so the bridge's exit can end its tree. */
export function trackProcessTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  liveGroups.add(child.pid);
  if (isExitHookInstalled) return;
  isExitHookInstalled = true;
  // The last resort for paths that skip an orderly close (a fatal error, process.exit
  // anywhere): 'exit' handlers cannot wait, so there is no grace here, only SIGKILL.
  process.on("exit", () => {
    for (const pgid of liveGroups) signalGroup(pgid, "SIGKILL");
  });
}

/**
 * Ends a child and everything it started: closes its stdin, then SIGTERM to the
 * whole group, then SIGKILL. Resolves once no process of the group is left (or
 * SIGKILL was sent). The group is signalled even when the child itself already
 * exited: its own children may not have.
 */
export async function endProcessTree(child: ChildProcess): Promise<void> {
  try {
    child.stdin?.end();
  } catch {
    // A stdin already destroyed has nothing left to close; the signals below still apply.
  }
  if (!(await waitUntilEnded(child, child.exitCode === null && child.signalCode === null ? STDIN_GRACE_MS : 0))) {
    signalTree(child, "SIGTERM");
    if (!(await waitUntilEnded(child, TERM_GRACE_MS))) signalTree(child, "SIGKILL");
  }
  if (child.pid !== undefined) liveGroups.delete(child.pid);
}
