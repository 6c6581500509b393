import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT_DIR } from "../db/database-url";

/** Newest modification time under the folders the Next build depends on. */
function newestSourceMtime(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "generated" || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ["app", "components", "lib"]) if (existsSync(join(ROOT_DIR, dir))) walk(join(ROOT_DIR, dir));
  for (const file of ["proxy.ts", "next.config.js"]) if (existsSync(join(ROOT_DIR, file))) newest = Math.max(newest, statSync(join(ROOT_DIR, file)).mtimeMs);
  return newest;
}

/** Builds the dashboard when there is no build yet, or when the sources changed since the last one. */
export function ensureBuilt(): void {
  const buildId = join(ROOT_DIR, ".next", "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceMtime()) return;
  console.log("[airlock] building the dashboard (first start or changed sources; 1-3 minutes)…");
  const result = spawnSync(process.execPath, [join(ROOT_DIR, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: ROOT_DIR,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("the dashboard build failed (see the output above)");
}

export async function runStart(args: string[]): Promise<void> {
  if (!args.includes("--no-build")) ensureBuilt();
  (process.env as Record<string, string>).NODE_ENV = "production";
  const { startServer } = await import("../server/start-server");
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (got ${process.env.PORT})`);
  const server = await startServer({ port, hostname: process.env.HOST ?? "127.0.0.1" });
  const stop = () => {
    server.close().finally(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
