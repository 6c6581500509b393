// The airlock loop end to end with real parts: the built dashboard, the real
// bridge as a child process, the reference filesystem MCP server, and an MCP SDK client.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, textOf } from "../helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../helpers/dashboard";

const COUNTER_SERVER = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "counter-server.ts")}`;

let dashboard: Dashboard;
let admin: string;
let alice: string;
let bob: string;
let bridgeToken: string;
const workspace = mkdtempSync(join(tmpdir(), "airlock-ws-"));

async function pendingFor(tool: string) {
  return waitFor(async () => {
    const { body } = await api(dashboard, alice, "/api/approvals?status=pending");
    return body.items.find((a: { tool: string }) => a.tool === tool);
  });
}

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  alice = dashboard.addUser("alice@example.com", "reviewer");
  bob = dashboard.addUser("bob@example.com", "reviewer");
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "test-laptop", "--new-tools", "enabled");
  for (const rule of [
    { name: "hold file writes", match: { server: "*", tool: "*write_file" }, action: "require_approval", timeoutSeconds: 60 },
    { name: "two keys for big increments", match: { tool: "increment" }, when: "args.by >= 50", action: "require_approval", approvers: 2 },
    { name: "hold increments", match: { tool: "increment" }, action: "require_approval", timeoutSeconds: 60 },
    { name: "hold moves briefly", match: { tool: "move_file" }, action: "require_approval", timeoutSeconds: 2 },
    { name: "let edits through after a short wait", match: { tool: "edit_file" }, action: "require_approval", timeoutSeconds: 1, onTimeout: "allow" },
    { name: "admins approve directories", match: { tool: "create_directory" }, action: "require_approval", approverRole: "admin" },
    { name: "let the rest through", match: { tool: "*" }, action: "allow" },
  ]) {
    expect((await api(dashboard, admin, "/api/rules", { body: rule })).status).toBe(201);
  }
});

afterAll(async () => {
  await dashboard?.stop();
});

describe("a held write_file", () => {
  it("reaches reviewers with prompt and arguments, and runs once approved", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const path = join(workspace, "approved.txt");
      const call = bridge.client.callTool({
        name: "write_file",
        arguments: { path, content: "hello from the agent" },
        _meta: { "airlock/prompt": "Please save a greeting to approved.txt" },
      });
      const pending = await pendingFor("write_file");
      expect(existsSync(path)).toBe(false);
      const { body: detail } = await api(dashboard, alice, `/api/approvals/${pending.id}`);
      expect(detail.prompt).toBe("Please save a greeting to approved.txt");
      expect(detail.arguments).toEqual({ path, content: "hello from the agent" });
      expect(detail.ruleName).toBe("hold file writes");
      expect(detail.toolDescription).toMatch(/file/i);

      const decision = await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve", comment: "fine" } });
      expect(decision.status).toBe(200);
      const result = await call;
      expect(result.isError).toBeFalsy();
      expect(readFileSync(path, "utf8")).toBe("hello from the agent");
      // The agent reads the reviewer's comment on an approval too, after the tool's own result.
      expect((result.content as { text: string }[]).at(-1)?.text).toBe('[Airlock] a reviewer approved this call. Reviewer\'s comment: "fine".');
      expect(result._meta?.["airlock/review"]).toEqual({ decision: "approved", editedFields: [], comment: "fine" });
      const { body: after } = await waitFor(async () => {
        const r = await api(dashboard, alice, `/api/approvals/${pending.id}`);
        return r.body.outcome === "executed" ? r : undefined;
      });
      expect(after.status).toBe("approved");
    } finally {
      await bridge.close();
    }
  });

  it("is not executed when rejected, and the agent reads the reviewer's comment", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const path = join(workspace, "rejected.txt");
      const call = bridge.client.callTool({ name: "write_file", arguments: { path, content: "nope" } });
      const pending = await pendingFor("write_file");
      const comment = "Do not write outside the reports folder";
      expect((await api(dashboard, bob, `/api/approvals/${pending.id}/decision`, { body: { decision: "reject", comment } })).status).toBe(200);
      const result = await call;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain(comment);
      expect(existsSync(path)).toBe(false);
    } finally {
      await bridge.close();
    }
  });

  it("forwards exactly the edited arguments when a reviewer edits and approves", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const proposed = join(workspace, "proposed.txt");
      const edited = join(workspace, "edited.txt");
      const call = bridge.client.callTool({ name: "write_file", arguments: { path: proposed, content: "draft" } });
      const pending = await pendingFor("write_file");
      const invalid = await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, {
        body: { decision: "approve", arguments: { path: 42 } },
      });
      expect(invalid.status).toBe(422);
      const ok = await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, {
        body: { decision: "approve", arguments: { path: edited, content: "final" } },
      });
      expect(ok.body).toMatchObject({ status: "approved", edited: true });
      const result = await call;
      expect(result.isError).toBeFalsy();
      // The agent is told its arguments were edited, and which ones.
      expect(result._meta?.["airlock/review"]).toEqual({ decision: "approved", editedFields: ["path", "content"], comment: null });
      expect(textOf(result)).toContain("with edited arguments (changed: path, content)");
      expect(existsSync(proposed)).toBe(false);
      expect(readFileSync(edited, "utf8")).toBe("final");
      // The bridge reports the run in the background: wait for it, then the record has all three argument sets.
      const detail = await waitFor(async () => {
        const { body } = await api(dashboard, alice, `/api/approvals/${pending.id}`);
        return body.outcome === "executed" ? body : undefined;
      });
      expect(detail.arguments).toEqual({ path: proposed, content: "draft" });
      expect(detail.approvedArguments).toEqual({ path: edited, content: "final" });
      expect(detail.executedArguments).toEqual({ path: edited, content: "final" });
    } finally {
      await bridge.close();
    }
  });
});

describe("exactly once", () => {
  it("gives one of two concurrent reviewers 200 and the other 409, and the upstream runs once", async () => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 1 } });
      const pending = await pendingFor("increment");
      const [a, b] = await Promise.all([
        api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } }),
        api(dashboard, bob, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      expect((await call).isError).toBeFalsy();
      // A late third decision is refused too.
      expect((await api(dashboard, admin, `/api/approvals/${pending.id}/decision`, { body: { decision: "reject" } })).status).toBe(409);
      const count = await bridge.client.callTool({ name: "get_count", arguments: {} });
      expect(textOf(count)).toBe("1");
    } finally {
      await bridge.close();
    }
  });
});

describe("rules that ask more of reviewers", () => {
  it("needs two distinct approvers when the rule says so", async () => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const before = Number(textOf(await bridge.client.callTool({ name: "get_count", arguments: {} })));
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 50 } });
      const pending = await pendingFor("increment");
      expect((await api(dashboard, alice, `/api/approvals/${pending.id}`)).body).toMatchObject({
        requiredApprovers: 2,
        ruleName: "two keys for big increments",
      });
      expect((await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).body.status).toBe("pending");
      expect((await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).status).toBe(409);
      expect((await api(dashboard, bob, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).body.status).toBe("approved");
      expect((await call).isError).toBeFalsy();
      expect(Number(textOf(await bridge.client.callTool({ name: "get_count", arguments: {} })))).toBe(before + 50);
    } finally {
      await bridge.close();
    }
  });

  it("lets only admins decide when the rule asks for an admin", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const dir = join(workspace, "admin-approved");
      const call = bridge.client.callTool({ name: "create_directory", arguments: { path: dir } });
      const pending = await pendingFor("create_directory");
      const refused = await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/admin/);
      expect((await api(dashboard, admin, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).status).toBe(200);
      expect((await call).isError).toBeFalsy();
      expect(existsSync(dir)).toBe(true);
    } finally {
      await bridge.close();
    }
  });
});

describe("roles on decisions", () => {
  it("refuses an auditor's decision with 403 and leaves the request pending", async () => {
    const auditor = dashboard.addUser("audrey@example.com", "auditor");
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 2 } });
      const pending = await pendingFor("increment");
      expect((await api(dashboard, auditor, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).status).toBe(403);
      expect((await api(dashboard, auditor, `/api/approvals/${pending.id}`)).body.status).toBe("pending");
      await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "reject", comment: "no" } });
      expect((await call).isError).toBe(true);
    } finally {
      await bridge.close();
    }
  });
});

describe("while a call is held", () => {
  it("keeps the client informed with progress notifications", async () => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const messages: string[] = [];
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 3 } }, undefined, {
        onprogress: (p) => messages.push(p.message ?? ""),
      });
      const pending = await pendingFor("increment");
      await waitFor(async () => (messages.length ? true : undefined), { timeoutMs: 12_000 });
      expect(messages[0]).toContain(pending.id);
      await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } });
      expect((await call).isError).toBeFalsy();
    } finally {
      await bridge.close();
    }
  });

  it("withdraws the request when the client cancels the call", async () => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const controller = new AbortController();
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 5 } }, undefined, { signal: controller.signal });
      const pending = await pendingFor("increment");
      controller.abort();
      await expect(call).rejects.toThrow();
      const withdrawn = await waitFor(async () => {
        const { body } = await api(dashboard, alice, `/api/approvals/${pending.id}`);
        return body.status === "withdrawn" ? body : undefined;
      });
      expect(withdrawn.outcome).toBe("withdrawn");
      expect((await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).status).toBe(409);
      expect(textOf(await bridge.client.callTool({ name: "get_count", arguments: {} }))).not.toContain("5");
    } finally {
      await bridge.close();
    }
  });

  it("answers a timeout with an error result once the deadline passes", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const source = join(workspace, "stay.txt");
      writeFileSync(source, "x");
      const result = await bridge.client.callTool({ name: "move_file", arguments: { source, destination: join(workspace, "moved.txt") } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/no reviewer decided within 2 s/);
      expect(existsSync(source)).toBe(true);
      const { body } = await api(dashboard, alice, "/api/approvals?status=expired");
      expect(body.items.some((a: { tool: string }) => a.tool === "move_file")).toBe(true);
    } finally {
      await bridge.close();
    }
  });
});

describe("a rule whose timeout allows", () => {
  it("runs the call once nobody decided in time, and records on the request that it ran", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const path = join(workspace, "edit-me.txt");
      writeFileSync(path, "before");
      const result = await bridge.client.callTool({ name: "edit_file", arguments: { path, edits: [{ oldText: "before", newText: "after" }] } });
      expect(result.isError).toBeFalsy();
      expect(readFileSync(path, "utf8")).toBe("after");
      const expired = await waitFor(async () => {
        const { body } = await api(dashboard, alice, "/api/approvals?status=expired");
        const item = body.items.find((a: { tool: string }) => a.tool === "edit_file");
        if (!item) return undefined;
        const { body: detail } = await api(dashboard, alice, `/api/approvals/${item.id}`);
        return detail.outcome === "executed" ? detail : undefined;
      });
      expect(expired.executedAt).not.toBeNull();
      const { body: audit } = await api(dashboard, admin, "/api/audit/export?format=json");
      expect(audit.events.some((e: { kind: string; approvalId: string }) => e.kind === "executed" && e.approvalId === expired.id)).toBe(true);
    } finally {
      await bridge.close();
    }
  });
});

describe("dashboard unreachable", () => {
  it("fails a held call closed with a clear message, while allowed calls still pass", async () => {
    // The bridge retries creating the request for a few seconds (a dashboard restart is not a refusal), then fails closed.
    const bridge = await connectThroughBridge({
      upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`],
      dashboardUrl: dashboard.url,
      token: bridgeToken,
      env: { AIRLOCK_CREATE_RETRY_SECONDS: "2" },
    });
    try {
      // Make sure the bridge has loaded the policy before the dashboard goes away.
      await bridge.client.listTools();
      await dashboard.kill();
      const path = join(workspace, "offline.txt");
      const result = await bridge.client.callTool({ name: "write_file", arguments: { path, content: "x" } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/dashboard/i);
      expect(existsSync(path)).toBe(false);
      const listed = await bridge.client.callTool({ name: "list_allowed_directories", arguments: {} });
      expect(listed.isError).toBeFalsy();
    } finally {
      await bridge.close();
    }
  });
});
