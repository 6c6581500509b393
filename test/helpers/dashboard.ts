import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT_DIR } from "../../lib/db/database-url";
import { createTestDatabase, type TestDatabase } from "./test-database";

export const AIRLOCK_BIN = join(ROOT_DIR, "bin", "airlock.js");
export const BRIDGE_BIN = join(ROOT_DIR, "bin", "airlock-bridge.js");
export const FILESYSTEM_SERVER = join(ROOT_DIR, "node_modules", "@modelcontextprotocol", "server-filesystem", "dist", "index.js");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Dashboard {
  url: string;
  port: number;
  /** The dashboard's process id (benchmarks sample its memory). */
  pid: number;
  env: NodeJS.ProcessEnv;
  database: TestDatabase;
  /** Runs the `airlock` CLI against this dashboard's database; returns stdout (throws on failure). */
  cli(...args: string[]): string;
  /** Adds a user and returns a personal access token for them. */
  addUser(email: string, role: "admin" | "reviewer" | "auditor", password?: string): string;
  stop(): Promise<void>;
  /** Stops the server process but keeps the database (to prove fail-closed, then restart). */
  kill(): Promise<void>;
  output(): string;
  /** What the process wrote to stderr alone. */
  errors(): string;
}

/** Starts the real dashboard (the built Next app + socket.io) on a free port with a fresh database. */
export async function startDashboard(options: { port?: number; database?: TestDatabase; env?: Record<string, string> } = {}): Promise<Dashboard> {
  const database = options.database ?? (await createTestDatabase());
  const port = options.port ?? (await freePort());
  const env = {
    ...process.env,
    ...database.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    ...options.env,
  } as NodeJS.ProcessEnv;
  let log = "";
  let errors = "";
  // BENCH_PROFILE_DIR=/tmp/prof writes a CPU profile of the dashboard when it stops (for benchmarks).
  const profile = process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, AIRLOCK_BIN, "start", "--no-build"], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => {
    log += d;
    errors += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dashboard exited early (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`dashboard did not become healthy:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  };
  const cli = (...args: string[]) => {
    const result = spawnSync(process.execPath, [AIRLOCK_BIN, ...args], { env, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`airlock ${args.join(" ")} failed:\n${result.stderr}`);
    return result.stdout.trim();
  };
  return {
    url,
    port,
    pid: child.pid!,
    env,
    database,
    cli,
    addUser(email, role, password = "correct horse battery staple") {
      cli("user", "add", "--email", email, "--password", password, "--role", role);
      return cli("token", "create", "--email", email, "--name", "test");
    },
    kill,
    async stop() {
      await kill();
      await database.drop();
    },
    output: () => log,
    errors: () => errors,
  };
}

/**
 * Lets the event loop turn once. `cli()` blocks it (spawnSync) for seconds: meanwhile the
 * dashboard may close an idle kept-alive connection, and fetch would reuse it before
 * seeing the close ("other side closed"). One turn lets the pool notice first.
 */
export const afterBlockingCalls = () => new Promise<void>((resolve) => setImmediate(resolve));

/** fetch with a bearer token and JSON, returning status and parsed body. */
export async function api(dashboard: Dashboard, token: string, path: string, init: { method?: string; body?: unknown } = {}) {
  await afterBlockingCalls();
  const res = await fetch(`${dashboard.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (CSV export)
  }
  return { status: res.status, body };
}

/** Polls until `check` returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(check: () => Promise<T | undefined>, { timeoutMs = 15_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
