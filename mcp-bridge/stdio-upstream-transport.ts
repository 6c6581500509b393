import { type ChildProcess, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { endProcessTree, HAS_PROCESS_GROUPS, trackProcessTree } from "./process-tree";

/** Waits (briefly: a grandchild may hold the pipe open) for a stream to deliver its last bytes. */
function drained(stream: Readable | null): Promise<void> {
  if (!stream || stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, STDERR_DRAIN_MS);
    stream.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** How much of an upstream's stderr is kept to explain a failed start. */
const STDERR_TAIL_CHARS = 2_000;
const STDERR_DRAIN_MS = 250;

export interface StdioUpstreamParams {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** How the upstream's own process ended, when it did. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The client side of a stdio MCP connection, like the SDK's StdioClientTransport
 * except that the server runs in a process group of its own, and closing (or the
 * server's exit) ends that whole group: no grandchild outlives its session. The
 * server's stderr still reaches the bridge's stderr; its tail is kept to say why
 * a start failed.
 */
export class StdioUpstreamTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  exit: ProcessExit | undefined;
  private child: ChildProcess | undefined;
  private readonly readBuffer = new ReadBuffer();
  private stderr = "";
  private ending: Promise<void> | undefined;

  constructor(private readonly params: StdioUpstreamParams) {}

  /** The last lines the server wrote to stderr. */
  get stderrTail(): string {
    return this.stderr;
  }

  start(): Promise<void> {
    if (this.child) throw new Error("StdioUpstreamTransport already started");
    const child = spawn(this.params.command, this.params.args, {
      env: this.params.env as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group (setsid): the whole tree can be signalled, and a Ctrl-C
      // meant for the bridge reaches the bridge first, which then ends the tree itself.
      detached: HAS_PROCESS_GROUPS,
      windowsHide: true,
    });
    this.child = child;
    return new Promise((resolve, reject) => {
      let isSpawned = false;
      child.once("spawn", () => {
        isSpawned = true;
        trackProcessTree(child);
        resolve();
      });
      child.once("error", (error) => {
        if (!isSpawned) reject(error);
        else this.onerror?.(error);
      });
      // 'exit', not 'close': a grandchild holding the pipes open must not keep the session waiting.
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        void this.close();
      });
      child.stdout!.on("data", (chunk: Buffer) => this.receive(chunk));
      child.stderr!.on("data", (chunk: Buffer) => {
        process.stderr.write(chunk);
        this.stderr = (this.stderr + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
      });
      for (const stream of [child.stdin!, child.stdout!, child.stderr!]) stream.on("error", (error) => this.onerror?.(error));
    });
  }

  private receive(chunk: Buffer): void {
    try {
      this.readBuffer.append(chunk);
    } catch (error) {
      // Over the buffer limit: the stream cannot be resynchronised, so the connection ends.
      this.onerror?.(error as Error);
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.readBuffer.readMessage();
      } catch (error) {
        // A line that is not JSON-RPC (a server printing to stdout) is reported; the next lines still count.
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin?.writable || this.ending) return Promise.reject(new Error("Not connected"));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once("drain", resolve);
    });
  }

  /** Ends the server's process tree, then reports the connection closed (once). */
  close(): Promise<void> {
    this.ending ??= (async () => {
      try {
        if (this.child) {
          await endProcessTree(this.child);
          // The last stderr lines may still be in the pipe when the process is gone; they say why it stopped.
          await drained(this.child.stderr);
        }
      } finally {
        this.readBuffer.clear();
        this.onclose?.();
      }
    })();
    return this.ending;
  }
}
