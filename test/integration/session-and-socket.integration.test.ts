// Session sign-in (next-auth credentials) and the socket.io channel: who may connect,
// and that reviewers hear about held calls the moment they are created.
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashArguments } from "../../lib/crypto/canonical-hash";
import type { ApprovalSummary } from "../../lib/realtime/events";
import { api, type Dashboard, startDashboard } from "../helpers/dashboard";
import { signIn } from "../helpers/session";

const PASSWORD = "correct horse battery staple";
let dashboard: Dashboard;
let bridgeToken: string;
const sockets: Socket[] = [];

function connect(options: { cookie?: string; token?: string; origin?: string }): Promise<Socket> {
  const socket = io(dashboard.url, {
    transports: ["websocket"],
    reconnection: false,
    auth: options.token ? { token: options.token } : {},
    extraHeaders: { ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.origin ? { origin: options.origin } : {}) },
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

beforeAll(async () => {
  dashboard = await startDashboard();
  dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "sock", "--new-tools", "enabled");
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await dashboard?.stop();
});

describe("sign-in", () => {
  it("accepts the right password and refuses a wrong one", async () => {
    expect(await signIn(dashboard, "rita@example.com", "wrong password here")).toBeNull();
    expect(await signIn(dashboard, "nobody@example.com", PASSWORD)).toBeNull();
    const cookie = await signIn(dashboard, "rita@example.com", PASSWORD);
    expect(cookie).not.toBeNull();
    const res = await fetch(`${dashboard.url}/api/approvals?status=pending`, { headers: { cookie: cookie! } });
    expect(res.status).toBe(200);
  });

  it("refuses a cookie-authenticated write from another origin", async () => {
    const cookie = (await signIn(dashboard, "rita@example.com", PASSWORD))!;
    const res = await fetch(`${dashboard.url}/api/approvals/x/decision`, {
      method: "POST",
      headers: { cookie, origin: "http://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ decision: "approve" }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/cross-origin/);
  });
});

describe("socket.io", () => {
  it("refuses sockets without a session or with a bad token, or from another origin", async () => {
    await expect(connect({})).rejects.toThrow(/unauthorized/);
    await expect(connect({ token: "alk_brg_not-a-real-token" })).rejects.toThrow(/unauthorized/);
    const cookie = (await signIn(dashboard, "rita@example.com", PASSWORD))!;
    await expect(connect({ cookie, origin: "http://evil.example" })).rejects.toThrow(/unauthorized/);
  });

  it("pushes a held call to a signed-in reviewer, and its decision to the bridge", async () => {
    const cookie = (await signIn(dashboard, "rita@example.com", PASSWORD))!;
    const reviewer = await connect({ cookie });
    const bridge = await connect({ token: bridgeToken });
    const created = new Promise<ApprovalSummary>((resolve) => reviewer.once("approval:created", resolve));
    const args = { path: "/tmp/x", content: "y" };
    const { status, body } = await fetch(`${dashboard.url}/api/bridge/approvals`, {
      method: "POST",
      headers: { authorization: `Bearer ${bridgeToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        sessionId: "s",
        server: "fs",
        tool: "write_file",
        arguments: args,
        argumentsHash: hashArguments(args),
        heldReason: "test",
        timeoutSeconds: 60,
      }),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(status).toBe(201);
    expect((await created).id).toBe(body.id);

    const decided = new Promise<{ id: string; status: string; comment?: string | null }>((resolve) => bridge.once("approval:updated", resolve));
    const token = dashboard.addUser("rev2@example.com", "reviewer");
    expect((await api(dashboard, token, `/api/approvals/${body.id}/decision`, { body: { decision: "reject", comment: "nope" } })).status).toBe(200);
    expect(await decided).toMatchObject({ id: body.id, status: "rejected", comment: "nope" });
  });
});
