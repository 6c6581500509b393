// npm run bench:held — what the held path costs besides the human.
//
// The real dashboard (built Next app + socket.io, fresh SQLite database unless
// DATABASE_URL says otherwise), the real bridge over stdio in front of the echo
// server, a rule that holds `stamp`, and a reviewer signed in (session cookie) with
// a socket, who decides as the decision panel does (POST with that cookie).
// For each of N sequential held calls it measures:
//   arrival → reviewer   from the agent's tools/call to the reviewer's socket
//                        receiving approval:created (same process, same clock)
//   decision → upstream  from the reviewer sending the decision to the upstream
//                        running the tool (the echo server stamps the time with
//                        performance.timeOrigin + now(); both clocks are this machine's)
//   decision → result    from the decision to the agent holding the result
//   decision request     the reviewer's POST of the decision, until its answer (the
//                        dashboard's share of the decision leg)
//   arrival → webhook    from tools/call to a local receiver holding the signed
//                        approval.created webhook (signature verified)
//   arrival → push       from tools/call to a local push service holding the Web Push
//                        message (VAPID checked by the dashboard's sender, decrypted
//                        here with the subscription's keys, RFC 8291)
// Targets: arrival → reviewer and decision → upstream ≤ 50 ms p99; every alert ≤ 1 s p99.
import { createECDH, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import { Webhook } from "standardwebhooks";
import type { ApprovalSummary } from "../lib/realtime/events";
import { connectThroughBridge, textOf } from "../test/helpers/bridge-client";
import { api, startDashboard } from "../test/helpers/dashboard";
import { signIn } from "../test/helpers/session";
import { type Summary, summarise } from "./stats";

const CALLS = Number(process.env.BENCH_HELD_CALLS ?? 500);
const WARMUP = 20;
/**
 * How long the reviewer looks before deciding (default 0: at once, the worst
 * case, when the decision lands while the dashboard is still busy with the
 * request's creation and the bridge starting to wait).
 */
const THINK_MS = Number(process.env.BENCH_HELD_THINK_MS ?? 0);
/** BENCH_HELD_ALERTS=0: no webhook endpoint and no push subscription (the held path alone, as before alerts existed). */
const ALERTS = process.env.BENCH_HELD_ALERTS !== "0";
const PASSWORD = "correct horse battery staple";
const ECHO = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "test", "servers", "echo-server.ts")}`;
const now = () => performance.timeOrigin + performance.now();
const ece = createRequire(import.meta.url)("http_ece") as {
  decrypt(buffer: Buffer, params: { version: string; privateKey: ReturnType<typeof createECDH>; authSecret: string }): Buffer;
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A local HTTP server; resolves its base URL. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

/** Arrival times by approval id, and waiters for the ones not yet arrived. */
function arrivals() {
  const seen = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  return {
    arrived(id: string, at: number) {
      seen.set(id, at);
      waiting.get(id)?.(at);
    },
    when: (id: string) => new Promise<number>((resolve) => (seen.has(id) ? resolve(seen.get(id)!) : waiting.set(id, resolve))),
  };
}

async function main() {
  // The alert receivers: a webhook endpoint and a push service, on loopback.
  let webhookSecret = "";
  const webhooks = arrivals();
  const receiver = createServer(async (req, res) => {
    const body = (await readBody(req)).toString("utf8");
    const at = now();
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const event = new Webhook(webhookSecret).verify(body, headers) as { data: { id: string } };
    webhooks.arrived(event.data.id, at);
    res.writeHead(200).end();
  });
  const subscriber = { ecdh: createECDH("prime256v1"), auth: randomBytes(16).toString("base64url") };
  subscriber.ecdh.generateKeys();
  const pushes = arrivals();
  const pushService = createServer(async (req, res) => {
    const body = await readBody(req);
    const at = now();
    const message = JSON.parse(ece.decrypt(body, { version: "aes128gcm", privateKey: subscriber.ecdh, authSecret: subscriber.auth }).toString("utf8"));
    pushes.arrived(message.approvalId, at);
    res.writeHead(201).end();
  });
  const receiverUrl = await listen(receiver);
  const pushUrl = await listen(pushService);

  process.stderr.write("starting the dashboard (needs `npm run build` first)…\n");
  // The local push service is plain http on loopback: allowed for this benchmark only.
  const dashboard = await startDashboard({ env: { AIRLOCK_PUSH_ALLOW_LOOPBACK_HTTP: "1" } });
  const sockets: Socket[] = [];
  try {
    const admin = dashboard.addUser("admin@example.com", "admin");
    const rita = dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
    if (ALERTS) {
      const endpoint = await api(dashboard, admin, "/api/webhooks", { body: { url: `${receiverUrl}/hook`, eventTypes: ["approval.created"] } });
      if (endpoint.status !== 201) throw new Error(`cannot add the webhook: ${JSON.stringify(endpoint.body)}`);
      webhookSecret = endpoint.body.secret;
      const subscription = {
        endpoint: `${pushUrl}/push/rita`,
        expirationTime: null,
        keys: { p256dh: subscriber.ecdh.getPublicKey().toString("base64url"), auth: subscriber.auth },
      };
      const subscribed = await api(dashboard, rita, "/api/push/subscriptions", { body: subscription });
      if (subscribed.status !== 201) throw new Error(`cannot subscribe to push: ${JSON.stringify(subscribed.body)}`);
    }
    const bridgeToken = dashboard.cli("bridge-token", "create", "--name", "bench", "--new-tools", "enabled");
    const rule = { name: "hold stamps", match: { tool: "stamp" }, action: "require_approval", timeoutSeconds: 60 };
    const created = await api(dashboard, admin, "/api/rules", { body: rule });
    if (created.status !== 201) throw new Error(`cannot create the rule: ${JSON.stringify(created.body)}`);

    const cookie = await signIn(dashboard, "rita@example.com", PASSWORD);
    if (!cookie) throw new Error("the reviewer cannot sign in");
    const reviewer: Socket = io(dashboard.url, { transports: ["websocket"], extraHeaders: { cookie } });
    sockets.push(reviewer);
    await new Promise<void>((resolve, reject) => {
      reviewer.once("connect", () => resolve());
      reviewer.once("connect_error", reject);
    });
    let onCreated: ((summary: ApprovalSummary, at: number) => void) | undefined;
    reviewer.on("approval:created", (summary) => onCreated?.(summary, now()));

    const bridge = await connectThroughBridge({ upstreams: [`echo=${ECHO}`], dashboardUrl: dashboard.url, token: bridgeToken });
    const toReviewer: number[] = [];
    const toUpstream: number[] = [];
    const toResult: number[] = [];
    const decisionRequest: number[] = [];
    const toWebhook: number[] = [];
    const toPush: number[] = [];
    try {
      process.stderr.write(`${WARMUP} warm-up calls, then ${CALLS} measured…\n`);
      for (let i = 0; i < WARMUP + CALLS; i++) {
        const seen = new Promise<{ summary: ApprovalSummary; at: number }>((resolve) => (onCreated = (summary, at) => resolve({ summary, at })));
        const t0 = now();
        const result = bridge.client.callTool({ name: "stamp", arguments: { note: `call ${i}` }, _meta: { "airlock/prompt": `benchmark call ${i}` } });
        const { summary, at: t1 } = await seen;
        if (THINK_MS > 0) await new Promise((r) => setTimeout(r, THINK_MS));
        const t2 = now();
        // As the decision panel sends it: the signed-in reviewer's session cookie, same origin.
        const res = await fetch(`${dashboard.url}/api/approvals/${summary.id}/decision`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json", origin: dashboard.url },
          body: JSON.stringify({ decision: "approve" }),
        });
        const decided = { status: res.status, body: await res.json() };
        const tDecided = now();
        if (decided.status !== 200) throw new Error(`decision failed: ${decided.status} ${JSON.stringify(decided.body)}`);
        const outcome = await result;
        const t4 = now();
        if (outcome.isError) throw new Error(`the approved call failed: ${textOf(outcome)}`);
        const t3 = Number(textOf(outcome));
        // Both alerts left while the reviewer decided; wait for them before the next call.
        const [tWebhook, tPush] = ALERTS ? await Promise.all([webhooks.when(summary.id), pushes.when(summary.id)]) : [Number.NaN, Number.NaN];
        if (i >= WARMUP) {
          toReviewer.push(t1 - t0);
          toUpstream.push(t3 - t2);
          toResult.push(t4 - t2);
          decisionRequest.push(tDecided - t2);
          if (ALERTS) {
            toWebhook.push(tWebhook - t0);
            toPush.push(tPush - t0);
          }
        }
        if ((i + 1) % 50 === 0) process.stderr.write(`  ${i + 1}/${WARMUP + CALLS}\n`);
      }
    } finally {
      await bridge.close();
    }

    const ms = (v: number) => `${v.toFixed(2)} ms`.padStart(10);
    const row = (name: string, s: Summary, target?: number) =>
      console.log(`${name.padEnd(22)} ${ms(s.p50)} ${ms(s.p99)} ${ms(s.mean)}${target ? `   ${s.p99 <= target ? "meets" : "MISSES"} p99 ≤ ${target} ms` : ""}`);
    const database = process.env.DATABASE_URL?.startsWith("postgres") ? "PostgreSQL" : "SQLite";
    console.log(
      `\nairlock bench:held — ${CALLS} sequential held calls (after ${WARMUP} warm-up), ${database}, bridge over stdio, reviewer decides ${THINK_MS ? `after ${THINK_MS} ms` : "at once"}\n`,
    );
    console.log(`${"leg".padEnd(22)} ${"p50".padStart(10)} ${"p99".padStart(10)} ${"mean".padStart(10)}`);
    row("arrival → reviewer", summarise(toReviewer), 50);
    row("decision → upstream", summarise(toUpstream), 50);
    row("decision → result", summarise(toResult));
    row("decision request (HTTP)", summarise(decisionRequest));
    if (ALERTS) {
      row("arrival → webhook", summarise(toWebhook), 1000);
      row("arrival → push", summarise(toPush), 1000);
    }
  } finally {
    for (const socket of sockets) socket.close();
    await dashboard.stop();
    receiver.close();
    pushService.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
