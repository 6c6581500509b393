// Versioned rule sets: every change is a version with author and diff, rollback,
// policy as code (`airlock rules export` / `apply`), bridges reporting the version
// they enforce, and audit events naming the rule and version that decided each call.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDED_RULES } from "../../lib/rules/seeded-rules";
import { connectThroughBridge } from "../helpers/bridge-client";
import { AIRLOCK_BIN, api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../helpers/dashboard";

let dashboard: Dashboard;
let admin: string;
const dir = mkdtempSync(join(tmpdir(), "airlock-versions-"));

function airlock(...args: string[]) {
  return spawnSync(process.execPath, [AIRLOCK_BIN, ...args], { env: dashboard.env, encoding: "utf8" });
}

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
});
afterAll(async () => dashboard?.stop());

describe("policy versions", () => {
  it("records each change with author and diff, and rolls back as a new version", async () => {
    const start = (await api(dashboard, admin, "/api/rules")).body.version as number;
    await api(dashboard, admin, "/api/rules", { body: { name: "deny deletes", match: { tool: "*delete*" }, action: "deny" } });
    await api(dashboard, admin, "/api/rules", { body: { name: "hold writes", match: { tool: "*write*" }, action: "require_approval" } });
    const { body } = await api(dashboard, admin, "/api/rules/versions");
    expect(body.versions[0]).toMatchObject({ number: start + 2, author: "admin@example.com", diff: { added: ["hold writes"] } });
    expect(body.versions[1]).toMatchObject({ number: start + 1, diff: { added: ["deny deletes"] } });

    const rollback = await api(dashboard, admin, "/api/rules/rollback", { body: { version: start + 1 } });
    expect(rollback.body).toMatchObject({ version: start + 3, isApplied: true, diff: { removed: ["hold writes"] } });
    const { body: rules } = await api(dashboard, admin, "/api/rules");
    expect(rules.rules.map((r: { name: string }) => r.name)).toEqual([...SEEDED_RULES.map((r) => r.name), "read-only tools pass", "deny deletes"]);
    expect((await api(dashboard, admin, "/api/rules/rollback", { body: { version: 999 } })).status).toBe(404);
  });
});

describe("a rule's optional parts", () => {
  it("are cleared when a new version removes them (the stored rule must be the rule the version says)", async () => {
    const { body: before } = await api(dashboard, admin, "/api/policy?format=json");
    const rule = {
      name: "hold mail, masked",
      match: { tool: "send_*", annotations: { openWorldHint: true } },
      action: "require_approval",
      timeoutSeconds: 300,
      redact: ["body"],
      escalateAfterSeconds: 60,
      escalateTo: ["lead@example.com"],
    };
    const put = (rules: unknown[]) =>
      api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { ...before, rules: [...before.rules, ...rules] } } });
    expect((await put([rule])).status).toBe(200);
    const stored = async () => ((await api(dashboard, admin, "/api/policy?format=json")).body.rules as { name: string }[]).find((r) => r.name === rule.name);
    expect(await stored()).toMatchObject({
      redact: ["body"],
      escalateAfterSeconds: 60,
      escalateTo: ["lead@example.com"],
      match: { annotations: { openWorldHint: true } },
    });
    const { redact: _r, escalateAfterSeconds: _e, escalateTo: _t, ...bare } = rule;
    expect((await put([{ ...bare, match: { tool: "send_*" } }])).status).toBe(200);
    const after = (await stored()) as unknown as Record<string, unknown> & { match: Record<string, unknown> };
    expect(after).not.toHaveProperty("redact");
    expect(after).not.toHaveProperty("escalateAfterSeconds");
    expect(after).not.toHaveProperty("escalateTo");
    expect(after.match).not.toHaveProperty("annotations");
  });
});

describe("policy as code", () => {
  it("round-trips export → apply to an identical policy, plans before applying, and refuses a bad file whole", async () => {
    const exported = airlock("rules", "export");
    expect(exported.status).toBe(0);
    const file = join(dir, "policy.yaml");
    writeFileSync(file, exported.stdout);
    const before = (await api(dashboard, admin, "/api/rules")).body.version;

    const same = airlock("rules", "apply", "-f", file);
    expect(same.status).toBe(0);
    expect(same.stdout).toContain("no changes");
    expect((await api(dashboard, admin, "/api/rules")).body.version).toBe(before);

    const edited =
      exported.stdout +
      ["  - name: deny sudo", "    match: { server: shell, tool: run }", '    when: args.cmd.contains("sudo")', "    action: deny", ""].join("\n");
    writeFileSync(file, edited);
    const plan = airlock("rules", "apply", "-f", file, "--dry-run");
    expect(plan.stdout).toContain("+ deny sudo");
    expect(plan.stdout).toContain("Dry run");
    expect((await api(dashboard, admin, "/api/rules")).body.version).toBe(before);

    const applied = airlock("rules", "apply", "-f", file, "--comment", "no sudo");
    expect(applied.stdout).toContain(`Applied as version ${before + 1}`);
    const roundTrip = airlock("rules", "export");
    writeFileSync(join(dir, "again.yaml"), roundTrip.stdout);
    expect(airlock("rules", "apply", "-f", join(dir, "again.yaml")).stdout).toContain("no changes");

    const bad =
      edited.replace('args.cmd.contains("sudo")', 'args.cmd.contains("sudo"').replace("deny sudo", "deny sudo 2") +
      ["  - name: zero", "    match: { tool: x }", "    action: require_approval", "    timeoutSeconds: 0", ""].join("\n");
    writeFileSync(file, bad);
    const refused = airlock("rules", "apply", "-f", file);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/rules\.\d+\.when: invalid CEL expression/);
    expect(refused.stderr).toMatch(/rules\.\d+\.timeoutSeconds/);
    expect((await api(dashboard, admin, "/api/rules")).body.version).toBe(before + 1);
    expect(readFileSync(file, "utf8")).toBe(bad);
  });
});

describe("bridges and the audit trail", () => {
  it("a bridge reports the version it enforces, and audit events name the rule and version", async () => {
    await api(dashboard, admin, "/api/rules", { body: { name: "list passes", match: { tool: "list_allowed_directories" }, action: "allow" } });
    const version = (await api(dashboard, admin, "/api/rules")).body.version as number;
    const token = dashboard.cli("bridge-token", "create", "--name", "versioned", "--new-tools", "enabled");
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${dir}`], dashboardUrl: dashboard.url, token });
    try {
      await bridge.client.callTool({ name: "list_allowed_directories", arguments: {} });
      const reported = await waitFor(async () => {
        const { body } = await api(dashboard, admin, "/api/bridges");
        return body.bridges.find((b: { name: string; enforcedPolicyVersion: number | null }) => b.name === "versioned" && b.enforcedPolicyVersion === version);
      });
      expect(reported.tokenHash).toBeUndefined();
      const event = await waitFor(async () => {
        const { body } = await api(dashboard, admin, "/api/audit/export?format=json");
        return body.events.find((e: { kind: string; tool: string }) => e.kind === "allowed" && e.tool === "list_allowed_directories");
      });
      expect(event).toMatchObject({ ruleName: expect.stringMatching(/read-only tools pass|list passes/), policyVersion: version, bridge: "versioned" });
    } finally {
      await bridge.close();
    }
  });
});
