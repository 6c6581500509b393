// Every decided request gets a signed receipt: the exact arguments approved, what the
// upstream received, the rule, the approvers and the decision's place in the audit chain.
// Real parts: the built dashboard, the bridge, the reference filesystem server, an SDK client.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receipt, verifyReceipt } from "../../lib/approvals/receipt";
import { parsePublicKeys } from "../../lib/audit/signing-key";
import { hashArguments } from "../../lib/crypto/canonical-hash";
import { connectThroughBridge } from "../helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../helpers/dashboard";

let dashboard: Dashboard;
let admin: string;
let reviewer: string;
let bridgeToken: string;
const workspace = mkdtempSync(join(tmpdir(), "airlock-receipts-"));

async function keys() {
  return parsePublicKeys(await (await fetch(`${dashboard.url}/.well-known/airlock-audit-keys.json`)).text());
}

async function pendingFor(path: string) {
  return waitFor(async () => {
    const { body } = await api(dashboard, reviewer, "/api/approvals?status=pending");
    for (const item of body.items as { id: string; tool: string }[]) {
      const { body: detail } = await api(dashboard, reviewer, `/api/approvals/${item.id}`);
      if (detail.arguments?.path === path) return detail;
    }
    return undefined;
  });
}

async function receiptOf(id: string, { executed }: { executed: boolean }): Promise<Receipt> {
  return waitFor(async () => {
    const { status, body } = await api(dashboard, reviewer, `/api/approvals/${id}/receipt`);
    return status === 200 && (!executed || body.execution) ? (body as Receipt) : undefined;
  });
}

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  reviewer = dashboard.addUser("rita@example.com", "reviewer");
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "receipts-laptop", "--new-tools", "enabled");
  const policy = { default: "allow", rules: [{ name: "hold file writes", match: { tool: "write_file" }, action: "require_approval", timeoutSeconds: 60 }] };
  expect((await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy } })).status).toBe(200);
});

afterAll(async () => {
  await dashboard?.stop();
});

describe("approval receipts", () => {
  it("an approved call's receipt is signed, and its hashes are what was approved and what the upstream received", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const path = join(workspace, "approved.txt");
      const args = { path, content: "as proposed" };
      const call = bridge.client.callTool({ name: "write_file", arguments: args });
      const pending = await pendingFor(path);
      expect((await api(dashboard, reviewer, `/api/approvals/${pending.id}`)).body.receipt).toBeNull();
      expect((await api(dashboard, reviewer, `/api/approvals/${pending.id}/receipt`)).status).toBe(404);
      expect((await api(dashboard, reviewer, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve", comment: "ok" } })).status).toBe(200);
      expect((await call).isError).toBeFalsy();
      expect(readFileSync(path, "utf8")).toBe("as proposed");

      const receipt = await receiptOf(pending.id, { executed: true });
      expect(verifyReceipt(receipt, await keys())).toEqual({ receipt: true, execution: true });
      expect(receipt).toMatchObject({
        type: "airlock.approval.receipt",
        requestId: pending.id,
        status: "approved",
        server: "fs",
        tool: "write_file",
        rule: "hold file writes",
        requiredApprovers: 1,
        argumentsHash: { proposed: hashArguments(args), approved: hashArguments(args) },
        decisions: [{ reviewer: "rita@example.com", decision: "approve", argumentsHash: hashArguments(args) }],
      });
      // What the upstream received hashes to what was approved.
      expect(receipt.execution).toMatchObject({ outcome: "executed", argumentsHash: hashArguments({ path, content: readFileSync(path, "utf8") }) });
      // The receipt points at its decision in the chain.
      const { body: trail } = await api(dashboard, admin, "/api/audit/export?format=json&kind=decided");
      expect(trail.events.find((e: { seq: number }) => e.seq === receipt.chain.seq)).toMatchObject({ approvalId: pending.id, kind: "decided" });
      // Altered, it no longer verifies.
      expect(verifyReceipt({ ...receipt, tool: "read_file" }, await keys()).receipt).toBe(false);
      expect(verifyReceipt({ ...receipt, execution: { ...receipt.execution!, argumentsHash: "0".repeat(64) } }, await keys()).execution).toBe(false);
    } finally {
      await bridge.close();
    }
  });

  it("an edited approval's receipt carries the edit's hash, which is what the upstream received", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const path = join(workspace, "edited.txt");
      const call = bridge.client.callTool({ name: "write_file", arguments: { path, content: "proposed" } });
      const pending = await pendingFor(path);
      const edited = { path, content: "edited by the reviewer" };
      expect((await api(dashboard, reviewer, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve", arguments: edited } })).status).toBe(200);
      await call;
      expect(readFileSync(path, "utf8")).toBe("edited by the reviewer");
      const receipt = await receiptOf(pending.id, { executed: true });
      expect(receipt.argumentsHash).toEqual({ proposed: hashArguments({ path, content: "proposed" }), approved: hashArguments(edited) });
      expect(receipt.execution?.argumentsHash).toBe(hashArguments(edited));
      expect(verifyReceipt(receipt, await keys())).toEqual({ receipt: true, execution: true });
    } finally {
      await bridge.close();
    }
  });

  it("the export carries each receipt on its decision, and the evidence bundle holds the whole story (escaped when printed)", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const path = join(workspace, "evidence.txt");
      const content = "<script>alert('agent')</script> & more";
      const call = bridge.client.callTool({ name: "write_file", arguments: { path, content }, _meta: { "airlock/prompt": "Save the <b>notes</b>" } });
      const pending = await pendingFor(path);
      expect((await api(dashboard, reviewer, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve", comment: "looks <fine>" } })).status).toBe(
        200,
      );
      await call;
      const receipt = await receiptOf(pending.id, { executed: true });

      const ndjson = await (
        await fetch(`${dashboard.url}/api/audit/export?format=ndjson&kind=decided`, { headers: { authorization: `Bearer ${admin}` } })
      ).text();
      const decision = ndjson
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l))
        .find((l) => l.approvalId === pending.id);
      expect(decision.seq).toBe(receipt.chain.seq);
      expect(decision.receipt).toMatchObject({ requestId: pending.id, signature: receipt.signature });

      const { status, body: evidence } = await api(dashboard, reviewer, `/api/approvals/${pending.id}/evidence`);
      expect(status).toBe(200);
      expect(evidence).toMatchObject({
        type: "airlock.evidence",
        request: { id: pending.id, status: "approved" },
        why: { prompt: "Save the <b>notes</b>" },
        action: { tool: "write_file", proposed: { arguments: { path, content } }, executed: { arguments: { path, content } } },
        rule: { name: "hold file writes", version: expect.any(Number), rule: { name: "hold file writes", action: "require_approval" } },
        decisions: [{ reviewer: "rita@example.com", decision: "approve", comment: "looks <fine>" }],
        receipt: { signature: receipt.signature },
      });
      expect(evidence.auditEvents.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(["decided", "executed"]));

      const res = await fetch(`${dashboard.url}/api/approvals/${pending.id}/evidence?format=html`, { headers: { authorization: `Bearer ${reviewer}` } });
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      const html = await res.text();
      expect(html).toContain("&lt;script&gt;alert(&#39;agent&#39;)&lt;/script&gt; &amp; more");
      expect(html).not.toContain("<script>");
      expect(html).toContain("looks &lt;fine&gt;");
    } finally {
      await bridge.close();
    }
  });

  it("a rejected call's receipt approves nothing and records no execution", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const path = join(workspace, "rejected.txt");
      const call = bridge.client.callTool({ name: "write_file", arguments: { path, content: "no" } });
      const pending = await pendingFor(path);
      expect((await api(dashboard, reviewer, `/api/approvals/${pending.id}/decision`, { body: { decision: "reject", comment: "not today" } })).status).toBe(
        200,
      );
      expect((await call).isError).toBe(true);
      const receipt = await receiptOf(pending.id, { executed: false });
      expect(receipt).toMatchObject({ status: "rejected", argumentsHash: { approved: null }, decisions: [{ decision: "reject" }] });
      expect(receipt.execution).toBeUndefined();
      expect(verifyReceipt(receipt, await keys())).toEqual({ receipt: true, execution: null });
    } finally {
      await bridge.close();
    }
  });
});
