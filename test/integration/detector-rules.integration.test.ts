// The detectors stop attacks by themselves, with real parts: a real MCP server behind the
// real bridge, the dashboard's seeded policy, and a reviewer's decision. An injected web
// page is held before the model reads it; a private-read → untrusted-read → send chain is
// held with the chain shown; the same tools in a harmless order pass.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectThroughBridge, textOf } from "../helpers/bridge-client";
import { api, type Dashboard, startDashboard, waitFor } from "../helpers/dashboard";

const OFFICE = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "office-server.ts")}`;
let dashboard: Dashboard;
let admin: string;
let reviewer: string;

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  reviewer = dashboard.addUser("rita@example.com", "reviewer");
  // The install's own rules stay first; everything else is allowed, so only the detectors hold.
  const { body } = await api(dashboard, admin, "/api/policy?format=json");
  expect(body.rules.map((r: { name: string }) => r.name)).toEqual([
    "Hold results that carry a prompt injection",
    "Hold secrets, personal data or injected text sent out",
    "Hold sends from a session that read private data and untrusted content",
    "read-only tools pass",
  ]);
  const put = await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { ...body, default: "allow" }, comment: "open, detectors on" } });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await dashboard?.stop();
});

async function office() {
  const outbox = join(mkdtempSync(join(tmpdir(), "airlock-office-")), "outbox.jsonl");
  const token = dashboard.cli("bridge-token", "create", "--name", `office-${Math.random().toString(36).slice(2, 8)}`, "--new-tools", "enabled");
  const bridge = await connectThroughBridge({
    upstreams: [`office=${OFFICE}`],
    dashboardUrl: dashboard.url,
    token,
    env: { OFFICE_OUTBOX: outbox },
    args: ["--pass-env", "office:OFFICE_OUTBOX"],
  });
  const sent = () => (existsSync(outbox) ? readFileSync(outbox, "utf8").trim().split("\n").filter(Boolean) : []);
  return { bridge, sent };
}

async function pendingFor(tool: string) {
  return waitFor(async () => {
    const items = (await api(dashboard, reviewer, "/api/approvals?status=pending")).body.items as { id: string; tool: string; stage: string }[];
    return items.find((a) => a.tool === tool);
  });
}

it("holds an injected page before the model reads it; the reviewer withholds it, then releases a second one", async () => {
  const { bridge } = await office();
  try {
    const first = bridge.client.callTool({ name: "browse", arguments: { url: "https://news.example/offer" } });
    const held = await pendingFor("browse");
    expect(held.stage).toBe("result");
    const { body: detail } = await api(dashboard, reviewer, `/api/approvals/${held.id}`);
    expect(detail.ruleName).toBe("Hold results that carry a prompt injection");
    expect(textOf(detail.heldResult)).toContain("Spring sale on seeds!");
    const injection = detail.findings.find((f: { detector: string; severity: string }) => f.detector === "prompt-injection" && f.severity === "high");
    expect(injection.location).toBe("content.0.text");
    // A held result is released or withheld, not edited.
    const edit = await api(dashboard, reviewer, `/api/approvals/${held.id}/decision`, { body: { decision: "approve", arguments: { url: "https://x" } } });
    expect(edit.status).toBe(422);
    await api(dashboard, reviewer, `/api/approvals/${held.id}/decision`, { body: { decision: "reject", comment: "this page is trying to steer you" } });
    const withheld = await first;
    expect(withheld.isError).toBe(true);
    expect(textOf(withheld)).toContain("this page is trying to steer you");
    expect(textOf(withheld)).not.toContain("Spring sale");

    const second = bridge.client.callTool({ name: "browse", arguments: { url: "https://news.example/offer" } });
    const again = await pendingFor("browse");
    await api(dashboard, reviewer, `/api/approvals/${again.id}/decision`, { body: { decision: "approve", comment: "fine, I read it" } });
    const released = await second;
    expect(released.isError).toBeFalsy();
    expect(textOf(released)).toContain("Spring sale on seeds!");
  } finally {
    await bridge.close();
  }
});

it("holds a send after private notes and a web page came in, shows the chain, and sends nothing when rejected", async () => {
  const { bridge, sent } = await office();
  try {
    expect(textOf(await bridge.client.callTool({ name: "read_notes", arguments: {} }))).toContain("Salary review");
    expect(textOf(await bridge.client.callTool({ name: "browse", arguments: { url: "https://news.example/garden" } }))).toContain("spring garden");
    const send = bridge.client.callTool({ name: "send_email", arguments: { to: "friend@mail.example", subject: "tips", body: "Ana 92k" } });
    const held = await pendingFor("send_email");
    expect(held.stage).toBe("call");
    const { body: detail } = await api(dashboard, reviewer, `/api/approvals/${held.id}`);
    expect(detail.ruleName).toBe("Hold sends from a session that read private data and untrusted content");
    expect(detail.chain).toEqual({
      private: [{ index: 0, server: "office", tool: "read_notes" }],
      untrusted: [{ index: 1, server: "office", tool: "browse" }],
    });
    expect(sent()).toEqual([]);
    await api(dashboard, reviewer, `/api/approvals/${held.id}/decision`, { body: { decision: "reject", comment: "not the salaries" } });
    expect(textOf(await send)).toContain("not the salaries");
    expect(sent()).toEqual([]);
  } finally {
    await bridge.close();
  }
});

it("counts a web resource the agent read as untrusted content: private notes, then that resource, then a send is held", async () => {
  const { bridge, sent } = await office();
  try {
    await bridge.client.callTool({ name: "read_notes", arguments: {} });
    const page = await bridge.client.readResource({ uri: "https://news.example/offer" });
    expect(JSON.stringify(page.contents)).toContain("Spring sale");
    const send = bridge.client.callTool({ name: "send_email", arguments: { to: "friend@mail.example", subject: "notes", body: "Ana 92k" } });
    const held = await pendingFor("send_email");
    const { body: detail } = await api(dashboard, reviewer, `/api/approvals/${held.id}`);
    expect(detail.chain.untrusted).toEqual([{ index: 1, server: "office", tool: "https://news.example/offer" }]);
    await api(dashboard, reviewer, `/api/approvals/${held.id}/decision`, { body: { decision: "reject" } });
    expect((await send).isError).toBe(true);
    expect(sent()).toEqual([]);
  } finally {
    await bridge.close();
  }
});

it("lets the same tools through in a harmless order: a web page then a send, and private notes then a send", async () => {
  for (const first of [
    { name: "browse", arguments: { url: "https://news.example/garden" } },
    { name: "read_notes", arguments: {} },
  ]) {
    const { bridge, sent } = await office();
    try {
      await bridge.client.callTool(first);
      const result = await bridge.client.callTool({ name: "send_email", arguments: { to: "me@mail.example", subject: "note", body: "hello" } });
      expect(result.isError).toBeFalsy();
      expect(sent()).toHaveLength(1);
    } finally {
      await bridge.close();
    }
  }
  expect((await api(dashboard, reviewer, "/api/approvals?status=pending")).body.items).toEqual([]);
});

it("follows an admin's tags: a mail tool tagged as internal does not complete the chain, and the tag is audited", async () => {
  // A first session puts the office's tools in the inventory; the admin tags the mail tool.
  const first = await office();
  await first.bridge.client.listTools();
  await first.bridge.close();
  const tools = (await api(dashboard, admin, "/api/tools")).body.items as { id: string; name: string }[];
  const mail = tools.find((t) => t.name === "send_email")!;
  const tagged = await api(dashboard, admin, `/api/tools/${mail.id}/tags`, { method: "PUT", body: { sink: false } });
  // A new bridge reads the tags with the inventory's verdicts when it starts.
  const { bridge, sent } = await office();
  try {
    expect(tagged.status).toBe(200);
    expect(tagged.body.role).toEqual({ private: false, untrusted: false, sink: false });
    expect((await api(dashboard, reviewer, `/api/tools/${mail.id}/tags`, { method: "PUT", body: { sink: true } })).status).toBe(403);

    await bridge.client.callTool({ name: "read_notes", arguments: {} });
    await bridge.client.callTool({ name: "browse", arguments: { url: "https://news.example/garden" } });
    const result = await bridge.client.callTool({ name: "send_email", arguments: { to: "team@corp.example", subject: "s", body: "b" } });
    expect(result.isError).toBeFalsy();
    expect(sent()).toHaveLength(1);
    const { body: audit } = await api(dashboard, admin, "/api/audit/export?format=json");
    expect(audit.events.find((e: { kind: string; tool: string }) => e.kind === "tool_tagged" && e.tool === "send_email").detail.to).toEqual({
      source: null,
      sink: false,
    });
  } finally {
    // The inventory is shared by this file's tests: the tag goes back to the default.
    await api(dashboard, admin, `/api/tools/${mail.id}/tags`, { method: "PUT", body: { sink: null } });
    await bridge.close();
  }
});

it("names the tool a mistyped call imitates, and raises a session alert after a burst of calls to tools that do not exist", async () => {
  const { bridge } = await office();
  try {
    await expect(bridge.client.callTool({ name: "send_emaiI", arguments: {} })).rejects.toThrow(
      /send_emaiI \(it reads like send_email, which is a different tool\)/,
    );
    for (const name of ["list_secrets", "dump_db", "get_tokens", "export_all"]) {
      await expect(bridge.client.callTool({ name, arguments: {} })).rejects.toThrow(/unknown tool/);
    }
    const alert = await waitFor(async () => {
      const { body } = await api(dashboard, admin, "/api/audit/export?format=json");
      return body.events.find((e: { kind: string }) => e.kind === "session_alert");
    });
    expect(alert.detail.alert).toMatch(/burst of calls to unknown tools: 5 in a minute/);
    const typo = (await api(dashboard, admin, "/api/audit/export?format=json")).body.events.find(
      (e: { kind: string; tool: string }) => e.kind === "denied" && e.tool === "send_emaiI",
    );
    expect(typo.detail).toMatchObject({ reason: "unknown tool", possibleTyposquatOf: "send_email" });
  } finally {
    await bridge.close();
  }
});
