// The bridge as a raw stdio process: the test decides exactly how its client goes
// away (stdin closed, a signal) and when stderr said what, which an SDK Client hides.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { BRIDGE_BIN } from "./dashboard";

/** `npx -y server` in miniature: a launcher process whose child is the real (stubborn) server. */
export const LAUNCHED_STUBBORN_SERVER = [
  process.execPath,
  "--import tsx",
  join(import.meta.dirname, "..", "servers", "launcher.ts"),
  process.execPath,
  "--import tsx",
  join(import.meta.dirname, "..", "servers", "stubborn-server.ts"),
].join(" ");

export interface BridgeProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves with how long after the call stderr matched, or rejects after timeoutMs. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<number>;
  /** Sends a JSON-RPC request over stdin and waits for its response. */
  request(method: string, params?: object): Promise<{ result?: any; error?: { code: number; message: string } }>;
  notify(method: string): void;
  /** Notifications and requests the bridge sent its client, in order. */
  received: { method: string; params?: any }[];
  exited: Promise<number | null>;
}

export function spawnBridge(args: string[], env: NodeJS.ProcessEnv = process.env): BridgeProcess {
  const child = spawn(process.execPath, [BRIDGE_BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const pending = new Map<number, (message: any) => void>();
  const received: { method: string; params?: any }[] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk) => {
    buffer += chunk;
    for (let at = buffer.indexOf("\n"); at >= 0; at = buffer.indexOf("\n")) {
      const message = JSON.parse(buffer.slice(0, at));
      buffer = buffer.slice(at + 1);
      if (message.method) received.push(message);
      else pending.get(message.id)?.(message);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let nextId = 1;
  return {
    child,
    exited,
    received,
    stderr: () => stderr,
    async waitForStderr(pattern, timeoutMs) {
      const started = Date.now();
      while (!pattern.test(stderr)) {
        if (Date.now() - started > timeoutMs) throw new Error(`stderr did not match ${pattern} within ${timeoutMs} ms:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return Date.now() - started;
    },
    request(method, params = {}) {
      const id = nextId++;
      child.stdin!.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      return new Promise((resolve) => pending.set(id, resolve));
    },
    notify(method) {
      child.stdin!.write(`${JSON.stringify({ jsonrpc: "2.0", method })}\n`);
    },
  };
}

export const INITIALIZE_PARAMS = { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw-agent", version: "1" } };

/** Alive and not a zombie (an orphan's zombie lingers where PID 1 does not reap, as in some containers). */
export function isAlive(pid: number): boolean {
  try {
    const state = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim();
    return state !== "" && !state.startsWith("Z");
  } catch {
    return false; // ps exits 1 when no such process
  }
}

export function parentOf(pid: number): number {
  return Number(execFileSync("ps", ["-o", "ppid=", "-p", String(pid)], { encoding: "utf8" }).trim());
}

/** The live processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  return execFileSync("ps", ["-eo", "pid=,ppid=,stat="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, stat]) => Number(ppid) === pid && !stat.startsWith("Z"))
    .map(([child]) => Number(child));
}
