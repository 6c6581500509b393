// npm run bench:load — held calls under load, with every guarantee checked.
//
// The real dashboard (built Next app + socket.io; fresh SQLite unless DATABASE_URL
// says PostgreSQL), BRIDGES real `airlock-bridge --http` processes in front of one
// Streamable HTTP upstream that this process serves and that records every call it
// runs, SESSIONS MCP SDK clients spread over the bridges, each making CALLS held
// calls one after another (as an agent waits for each tool result), and two
// reviewers signed in with sockets who approve each request the moment it
// arrives: one over REST (with the session cookie, as the decision panel does),
// the other over the socket (`approval:decide`), alternately.
//
// It reports:
//   creation             the agent's tools/call → the request on a reviewer's socket
//                        (the bridge's creation request, the insert, the push)
//   decision → upstream  a reviewer sends the decision → the upstream runs the call
// and checks, for every call: lost (approved but not run, or the agent got an
// error), run twice, run without an approval. Any of those fails the run (exit 1).
// Targets (issue 9): 0 lost, 0 twice, 0 unapproved; both p99 ≤ 250 ms.
import { type ChildProcess, spawn } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { io, type Socket } from "socket.io-client";
import { z } from "zod";
import type { ApprovalSummary, ClientToServerEvents, ServerToClientEvents } from "../lib/realtime/events";
import { textOf } from "../test/helpers/bridge-client";
import { api, BRIDGE_BIN, type Dashboard, startDashboard } from "../test/helpers/dashboard";
import { signIn } from "../test/helpers/session";
import { serveStreamableHttp } from "../test/servers/serve-http";
import { type Summary, summarise } from "./stats";

const SESSIONS = Number(process.env.BENCH_LOAD_SESSIONS ?? 50);
const CALLS = Number(process.env.BENCH_LOAD_CALLS ?? 20);
const BRIDGES = Number(process.env.BENCH_LOAD_BRIDGES ?? 5);
/** Each session's first calls warm the dashboard's routes (Next loads a route's code on its first request); not timed, still checked. */
const WARMUP = Number(process.env.BENCH_LOAD_WARMUP ?? 2);
const TARGET_P99_MS = 250;
/** An agent's time between a tool result and its next call (an LLM turn), drawn uniformly from 0 to this; 0 = at once. */
const THINK_MS = Number(process.env.BENCH_LOAD_THINK_MS ?? 0);
/** A reviewer's time before deciding, drawn uniformly from 0 to this; 0 = the moment the request arrives. */
const REVIEW_MS = Number(process.env.BENCH_LOAD_REVIEW_MS ?? 0);
const pause = (max: number) => (max > 0 ? new Promise((r) => setTimeout(r, Math.random() * max)) : Promise.resolve());
const PASSWORD = "correct horse battery staple";
const now = () => performance.timeOrigin + performance.now();

type ReviewerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The upstream: `stamp` records each run of each note and when. */
function startUpstream() {
  const runs = new Map<string, number[]>();
  const http = serveStreamableHttp(() => {
    const server = new McpServer({ name: "recorder", version: "1.0.0" });
    server.registerTool("stamp", { description: "Records that it ran.", inputSchema: { note: z.string() } }, async ({ note }) => {
      const at = now();
      runs.set(note, [...(runs.get(note) ?? []), at]);
      return { content: [{ type: "text", text: String(at) }] };
    });
    return server;
  });
  return new Promise<{ url: string; runs: typeof runs; close: () => void }>((resolve) => {
    http.listen(0, "127.0.0.1", () => {
      const { port } = http.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/mcp`, runs, close: () => http.close() });
    });
  });
}

function startBridge(dashboard: Dashboard, token: string, upstreamUrl: string, children: ChildProcess[]): Promise<string> {
  const child = spawn(process.execPath, [BRIDGE_BIN, "--http", "127.0.0.1:0", "--dashboard", dashboard.url, "--upstream", `rec=${upstreamUrl}`], {
    env: { ...process.env, AIRLOCK_BRIDGE_TOKEN: token },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let stderr = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`a bridge did not start:\n${stderr}`)), 60_000);
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
      const match = stderr.match(/ready at (http:\/\/\S+\/mcp)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`a bridge exited with ${code}:\n${stderr}`)));
  });
}

async function connectReviewer(dashboard: Dashboard, email: string): Promise<{ cookie: string; socket: ReviewerSocket }> {
  dashboard.addUser(email, "reviewer", PASSWORD);
  const cookie = await signIn(dashboard, email, PASSWORD);
  if (!cookie) throw new Error(`${email} cannot sign in`);
  const socket: ReviewerSocket = io(dashboard.url, { transports: ["websocket"], extraHeaders: { cookie, origin: dashboard.url } });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return { cookie, socket };
}

async function main() {
  process.stderr.write("starting the dashboard (needs `npm run build` first)…\n");
  const dashboard = await startDashboard();
  const children: ChildProcess[] = [];
  const clients: Client[] = [];
  const sockets: ReviewerSocket[] = [];
  const upstream = await startUpstream();
  try {
    const admin = dashboard.addUser("admin@example.com", "admin");
    const bridgeToken = dashboard.cli("bridge-token", "create", "--name", "load", "--new-tools", "enabled");
    const policy = { default: "allow", rules: [{ name: "hold stamps", match: { tool: "stamp" }, action: "require_approval", timeoutSeconds: 300 }] };
    const applied = await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy } });
    if (applied.status !== 200) throw new Error(`cannot set the policy: ${JSON.stringify(applied.body)}`);
    const rest = await connectReviewer(dashboard, "rita@example.com");
    const live = await connectReviewer(dashboard, "sam@example.com");
    sockets.push(rest.socket, live.socket);

    process.stderr.write(`starting ${BRIDGES} bridges and ${SESSIONS} client sessions…\n`);
    const bridgeUrls = await Promise.all(Array.from({ length: BRIDGES }, () => startBridge(dashboard, bridgeToken, upstream.url, children)));
    for (let i = 0; i < SESSIONS; i++) {
      const client = new Client({ name: `load-agent-${i}`, version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(bridgeUrls[i % BRIDGES]!)));
      clients.push(client);
    }

    // What the reviewers saw and did, by note (the call's prompt names it).
    const started = new Map<string, number>();
    const arrived = new Map<string, number>();
    const decidedAt = new Map<string, number>();
    const approved = new Set<string>();
    const decisionErrors: string[] = [];
    const channelOf = new Map<string, "rest" | "socket">();
    let arrivals = 0;
    const restRoundTrip: number[] = [];
    const decide = async (summary: ApprovalSummary) => {
      const note = summary.prompt!.slice("note ".length);
      arrived.set(note, now());
      const viaSocket = arrivals++ % 2 === 1;
      await pause(REVIEW_MS);
      channelOf.set(note, viaSocket ? "socket" : "rest");
      decidedAt.set(note, now());
      if (viaSocket) {
        const answer = await live.socket.timeout(30_000).emitWithAck("approval:decide", { approvalId: summary.id, decision: "approve" });
        if (answer.ok && answer.result.status === "approved") approved.add(note);
        else decisionErrors.push(`${note}: ${JSON.stringify(answer)}`);
      } else {
        const res = await fetch(`${dashboard.url}/api/approvals/${summary.id}/decision`, {
          method: "POST",
          headers: { cookie: rest.cookie, "content-type": "application/json", origin: dashboard.url },
          body: JSON.stringify({ decision: "approve" }),
        });
        const body = await res.json();
        restRoundTrip.push(now() - decidedAt.get(note)!);
        if (res.status === 200 && body.status === "approved") approved.add(note);
        else decisionErrors.push(`${note}: ${res.status} ${JSON.stringify(body)}`);
      }
    };
    // Both reviewers watch the queue; each request is decided once, by one of them.
    const decisions: Promise<void>[] = [];
    rest.socket.on("approval:created", (summary) => void decisions.push(decide(summary).catch((error) => void decisionErrors.push(String(error)))));

    const failures: string[] = [];
    let done = 0;
    const t0 = now();
    await Promise.all(
      clients.map(async (client, s) => {
        for (let c = 0; c < WARMUP + CALLS; c++) {
          const note = `s${s}-c${c}`;
          started.set(note, now());
          try {
            const result = await client.callTool({ name: "stamp", arguments: { note }, _meta: { "airlock/prompt": `note ${note}` } }, undefined, {
              timeout: 300_000,
            });
            if (result.isError) failures.push(`${note}: ${textOf(result)}`);
          } catch (error) {
            failures.push(`${note}: ${(error as Error).message}`);
          }
          await pause(THINK_MS);
          if (++done % 100 === 0) process.stderr.write(`  ${done}/${SESSIONS * (WARMUP + CALLS)}\n`);
        }
      }),
    );
    const seconds = (now() - t0) / 1000;
    // A call can finish before its reviewer has the decision's answer: count approvals once every answer is in.
    await Promise.all(decisions);

    const creation: number[] = [];
    const toUpstream: Record<"rest" | "socket", number[]> = { rest: [], socket: [] };
    let twice = 0;
    let unapproved = 0;
    let lost = 0;
    for (const note of started.keys()) {
      const runs = upstream.runs.get(note) ?? [];
      if (runs.length > 1) twice++;
      if (runs.length && !approved.has(note)) unapproved++;
      if (approved.has(note) && !runs.length) lost++;
      if (Number(note.split("-c")[1]) < WARMUP) continue;
      if (arrived.has(note)) creation.push(arrived.get(note)! - started.get(note)!);
      if (runs.length && decidedAt.has(note)) toUpstream[channelOf.get(note)!].push(runs[0]! - decidedAt.get(note)!);
    }
    lost += failures.length;
    if (process.env.BENCH_LOAD_SLOWEST) {
      const slowest = [...arrived.keys()]
        .map((n) => [n, arrived.get(n)! - started.get(n)!, started.get(n)! - t0] as const)
        .sort((a, b) => b[1] - a[1])
        .slice(0, Number(process.env.BENCH_LOAD_SLOWEST));
      for (const [n, ms, at] of slowest) console.log(`  slow creation ${n}: ${ms.toFixed(0)} ms, started at +${at.toFixed(0)} ms`);
    }

    const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(10);
    const row = (name: string, s: Summary) =>
      console.log(
        `${name.padEnd(30)} ${ms(s.p50)} ${ms(s.p99)} ${String(s.n).padStart(6)}   ${s.p99 <= TARGET_P99_MS ? "meets" : "MISSES"} p99 ≤ ${TARGET_P99_MS} ms`,
      );
    const database = process.env.DATABASE_URL?.startsWith("postgres") ? "PostgreSQL" : "SQLite";
    const total = SESSIONS * (WARMUP + CALLS);
    console.log(
      `\nairlock bench:load — ${SESSIONS * CALLS} held calls timed (after ${SESSIONS * WARMUP} warm-up), ${SESSIONS} sessions over ${BRIDGES} bridges (--http), ${database}, agents think 0–${THINK_MS} ms, reviewers 0–${REVIEW_MS} ms, ${total} calls in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)} held calls/s)\n`,
    );
    console.log(`${"leg".padEnd(30)} ${"p50".padStart(10)} ${"p99".padStart(10)} ${"n".padStart(6)}`);
    row("creation (call → reviewer)", summarise(creation));
    row("decision → upstream (REST)", summarise(toUpstream.rest));
    row("decision → upstream (socket)", summarise(toUpstream.socket));
    row("decision → upstream (all)", summarise([...toUpstream.rest, ...toUpstream.socket]));
    row("REST decision round trip", summarise(restRoundTrip));
    console.log(`\nlost: ${lost}   run twice: ${twice}   run without approval: ${unapproved}   decision errors: ${decisionErrors.length}`);
    for (const line of [...failures, ...decisionErrors].slice(0, 10)) console.log(`  ${line}`);
    if (lost || twice || unapproved || decisionErrors.length) process.exitCode = 1;
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    for (const child of children) child.kill("SIGTERM");
    for (const socket of sockets) socket.close();
    upstream.close();
    await dashboard.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
