// The deployment files, checked with the tools they use (there is no container runtime here):
// the Dockerfile builds with CI's own commands, the secrets script writes keys the dashboard and
// web-push accept, the entrypoint turns VAR_FILE into VAR and refuses both or an unreadable file,
// every secret and *_FILE the Compose file names is produced and read by something, and nginx
// accepts the site configuration.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import webpush from "web-push";
import { parse as parseYaml } from "yaml";
import { ROOT_DIR } from "../../lib/db/database-url";

const DEPLOY = join(ROOT_DIR, "deploy");
const ENTRYPOINT = join(DEPLOY, "docker-entrypoint.sh");
const NGINX = "/usr/sbin/nginx";

function run(command: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(command, args, {
    cwd: ROOT_DIR,
    encoding: "utf8",
    env: { PATH: process.env.PATH, ...env } as unknown as NodeJS.ProcessEnv,
    timeout: 60_000,
  });
}

describe("the Dockerfile", () => {
  it("builds with the commands CI runs", () => {
    const steps = readFileSync(join(ROOT_DIR, "Dockerfile"), "utf8")
      .split("\n")
      .filter((line) => /^RUN npm /.test(line))
      .map((line) => line.replace(/^RUN /, "").trim());
    expect(steps).toEqual(["npm install --no-audit --no-fund", "npm run build"]);
    const ci = readFileSync(join(ROOT_DIR, ".ci", "run"), "utf8");
    for (const step of steps) expect(ci).toContain(`\n${step}\n`);
  });
});

describe("deploy/make-secrets.sh", () => {
  it("writes a session secret, a database URL and keys the dashboard and web-push accept; a second run keeps them", async () => {
    const copy = mkdtempSync(join(tmpdir(), "airlock-deploy-"));
    cpSync(DEPLOY, copy, { recursive: true });
    const first = run("sh", [join(copy, "make-secrets.sh")]);
    expect(first.status).toBe(0);
    const secret = (name: string) => readFileSync(join(copy, "secrets", name), "utf8");
    expect(secret("nextauth_secret").length).toBeGreaterThanOrEqual(64);
    expect(secret("database_url")).toBe(`postgresql://airlock:${secret("postgres_password")}@postgres:5432/airlock`);
    // The audit key as the dashboard loads it (the same loader as the OAuth key).
    const audit = run(process.execPath, ["--import", "tsx", "-e", 'import("./lib/audit/signing-key.ts").then((m) => console.log(m.auditSigningKey().keyId))'], {
      AIRLOCK_AUDIT_SIGNING_KEY_FILE: join(copy, "secrets", "audit_signing_key.pem"),
      AIRLOCK_DATA_DIR: mkdtempSync(join(tmpdir(), "airlock-data-")),
    });
    expect({ status: audit.status, stderr: audit.stderr }).toEqual({ status: 0, stderr: "" });
    expect(audit.stdout.trim()).toMatch(/^[0-9a-f]{16}$/);
    expect(() => webpush.setVapidDetails("mailto:ops@example.com", secret("vapid_public_key"), secret("vapid_private_key"))).not.toThrow();

    const before = secret("nextauth_secret");
    const second = run("sh", [join(copy, "make-secrets.sh")]);
    expect(second.stdout).toContain("kept    secrets/nextauth_secret");
    expect(secret("nextauth_secret")).toBe(before);
  });
});

describe("deploy/docker-entrypoint.sh", () => {
  const dir = mkdtempSync(join(tmpdir(), "airlock-entrypoint-"));
  const file = join(dir, "database_url");
  writeFileSync(file, "postgresql://airlock:pw@postgres:5432/airlock");

  it("sets VAR from VAR_FILE and drops VAR_FILE", () => {
    const out = run("sh", [ENTRYPOINT, "sh", "-c", 'printf "%s|" "$DATABASE_URL"; [ -z "$DATABASE_URL_FILE" ] && printf unset'], { DATABASE_URL_FILE: file });
    expect(out.stdout).toBe("postgresql://airlock:pw@postgres:5432/airlock|unset");
  });

  it("refuses both VAR and VAR_FILE, and a file it cannot read, running nothing", () => {
    const both = run("sh", [ENTRYPOINT, "sh", "-c", "echo ran"], { DATABASE_URL: "x", DATABASE_URL_FILE: file });
    expect([both.status, both.stdout, both.stderr.trim()]).toEqual([64, "", "airlock: both DATABASE_URL and DATABASE_URL_FILE are set; set one"]);
    const missing = run("sh", [ENTRYPOINT, "sh", "-c", "echo ran"], { NEXTAUTH_SECRET_FILE: join(dir, "absent") });
    expect([missing.status, missing.stdout]).toEqual([66, ""]);
  });
});

describe("deploy/compose.yaml", () => {
  it("mounts only secrets make-secrets.sh writes, and every *_FILE it sets is read by the entrypoint or the dashboard", () => {
    const compose = parseYaml(readFileSync(join(DEPLOY, "compose.yaml"), "utf8"));
    const script = readFileSync(join(DEPLOY, "make-secrets.sh"), "utf8");
    for (const { file } of Object.values(compose.secrets) as { file: string }[]) {
      expect(file.startsWith("./secrets/")).toBe(true);
      expect(script).toContain(file.replace("./secrets/", "").replace(/\.pem$/, ""));
    }
    const entrypoint = readFileSync(ENTRYPOINT, "utf8");
    const readByDashboard = ["AIRLOCK_AUDIT_SIGNING_KEY_FILE", "AIRLOCK_OAUTH_SIGNING_KEY_FILE"];
    const env = compose.services.dashboard.environment as Record<string, string>;
    for (const name of Object.keys(env).filter((n) => n.endsWith("_FILE"))) {
      const isHandled =
        readByDashboard.includes(name) ||
        new RegExp(`\\b${name.replace(/_FILE$/, "")}\\b`).test(entrypoint.split("\n").find((l) => l.startsWith("for var in"))!);
      expect({ name, isHandled }).toEqual({ name, isHandled: true });
    }
  });
});

describe("deploy/nginx/airlock.conf", () => {
  it.skipIf(!existsSync(NGINX))("is a configuration nginx accepts", () => {
    const dir = mkdtempSync(join(tmpdir(), "airlock-nginx-"));
    // Docker's DNS name for the replicas is not resolvable here: the same site with a loopback upstream.
    const site = readFileSync(join(DEPLOY, "nginx", "airlock.conf"), "utf8").replace("server dashboard:3000", "server 127.0.0.1:3000");
    writeFileSync(
      join(dir, "nginx.conf"),
      `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path ${dir};\n  proxy_temp_path ${dir};\n${site}\n}\n`,
    );
    const test = run(NGINX, ["-t", "-q", "-p", dir, "-c", join(dir, "nginx.conf")]);
    expect({ status: test.status, stderr: test.stderr }).toEqual({ status: 0, stderr: "" });
  });
});
