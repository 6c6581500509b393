// An nginx reverse proxy in front of an HTTP upstream, for bench:bridge: the relay a
// production deployment would put in front of an MCP server (keep-alive to the upstream,
// HTTP/1.1, no buffering so SSE streams pass as they come). Our own nginx process with a
// generated configuration in a temporary directory, on a free port; stop() ends it.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface NginxRelay {
  url: string;
  stop(): Promise<void>;
}

/** The nginx binary on PATH (or /usr/sbin), or null when nginx is not installed. */
export function findNginx(): string | null {
  for (const candidate of ["nginx", "/usr/sbin/nginx"]) {
    const probe = spawnSync(candidate, ["-v"], { stdio: "ignore" });
    if (!probe.error && probe.status === 0) return candidate;
  }
  return null;
}

function configFor(dir: string, port: number, upstream: URL): string {
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  return `
${process.getuid?.() === 0 ? "user root;" : ""}
worker_processes 1;
daemon off;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} warn;
events { worker_connections 1024; }
http {
  access_log off;
  ${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(temp).join("\n  ")}
  # Idle kept-alive connections close before Node's 5 s keepAliveTimeout on the upstream: otherwise a
  # POST can meet a connection the upstream is closing, and nginx does not resend a POST (a 502).
  upstream mcp { server ${upstream.host}; keepalive 64; keepalive_timeout 4s; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mcp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_buffering off;
    }
  }
}
`;
}

/** Starts nginx relaying to `upstream` on `port`; resolves once the port answers. */
export async function startNginxRelay(binary: string, upstream: URL, port: number, onChild: (child: ChildProcess) => void): Promise<NginxRelay> {
  const dir = mkdtempSync(join(tmpdir(), "airlock-bench-nginx-"));
  for (const name of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, name));
  const config = join(dir, "nginx.conf");
  writeFileSync(config, configFor(dir, port, upstream));
  const child = spawn(binary, ["-e", join(dir, "error.log"), "-p", dir, "-c", config], { stdio: ["ignore", "ignore", "pipe"] });
  onChild(child);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
  const url = `http://127.0.0.1:${port}${upstream.pathname}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${readFileSync(join(dir, "error.log"), "utf8")}`);
    const ok = await fetch(`http://127.0.0.1:${port}/`, { method: "HEAD" }).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (i > 100) throw new Error(`nginx did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGQUIT");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
