import { createServer } from "node:http";
import next from "next";
import { escalateDueApprovals } from "../approvals/escalate-approvals";
import { expireAbandonedApprovals, expireDueApprovals } from "../approvals/expire-approvals";
import { checkpointHead } from "../audit/chain";
import { parseRetention, purgeExpiredEvents } from "../audit/retention";
import { auditSigningKey } from "../audit/signing-key";
import { checkOidcIssuer } from "../auth/check-oidc-issuer";
import { signInConfig } from "../auth/oidc-config";
import { pruneBridgeInstances } from "../bridges/bridge-presence";
import { joinCluster } from "../cluster/join-cluster";
import { checkDatabase } from "../db/check-database";
import { ROOT_DIR, resolveDatabaseTarget } from "../db/database-url";
import { migrateDatabase } from "../db/migrate";
import { startNotificationWorker } from "../notifications/worker";
import { dashboardLog } from "../observability/dashboard-log";
import { observeRequest } from "../observability/observe-request";
import { observeSockets } from "../observability/observe-sockets";
import { startDashboardObservability } from "../observability/start-dashboard-observability";
import { parseStepUp } from "../passkeys/step-up-policy";
import { setIo } from "../realtime/hub";
import { createSocketServer } from "../realtime/socket-server";
import { ensureAuthSecret } from "./auth-secret";
import { CLIENT_ADDRESS_HEADER, clientAddress, parseTrustedProxies } from "./client-address";
import { serveBridgeApi } from "./serve-bridge-api";

export interface StartServerOptions {
  port: number;
  hostname: string;
  dev?: boolean;
}

const EXPIRY_SWEEP_MS = 1000;
const CHECKPOINT_SECONDS = Math.max(1, Number(process.env.AIRLOCK_AUDIT_CHECKPOINT_SECONDS) || 300);
const ABANDONED_SWEEP_EVERY = 2;
const DATABASE_PROBE_EVERY = 10;

/** One process serves the Next.js dashboard, the REST API and socket.io on one port. */
export async function startServer({ port, hostname, dev = false }: StartServerOptions) {
  const observability = await startDashboardObservability();
  // A bad sign-in configuration, or an issuer that is unreachable, invalid or names itself
  // otherwise, stops the start here: later it would only fail each person's sign-in.
  const signIn = signInConfig();
  if (signIn.oidc) {
    const { issuer } = await checkOidcIssuer(signIn.oidc);
    dashboardLog().info(`single sign-on through ${issuer}${signIn.isPasswordSignInOn ? "" : " (password sign-in off)"}`);
  }
  const target = resolveDatabaseTarget();
  // REDIS_URL: one of several instances. Checked before anything is written or generated locally.
  const cluster = await joinCluster({ provider: target.provider });
  const applied = await migrateDatabase(target);
  if (applied.length) dashboardLog().info(`applied migrations: ${applied.join(", ")}`);
  const secret = ensureAuthSecret();
  // A bad AIRLOCK_AUDIT_SIGNING_KEY stops the start here, with its reason, not at the first checkpoint.
  dashboardLog().info(`audit checkpoints signed with key ${auditSigningKey().keyId}`);
  process.env.NEXTAUTH_URL ??= `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${port}`;

  const app = next({ dev, dir: ROOT_DIR, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const trustedProxies = parseTrustedProxies();
  const httpServer = createServer((req, res) => {
    // Overwritten on every request, so nothing behind this point reads a client's own claim.
    req.headers[CLIENT_ADDRESS_HEADER] = clientAddress({
      socketAddress: req.socket.remoteAddress,
      forwardedFor: req.headers["x-forwarded-for"],
      trustedProxies,
    });
    // API answers carry sessions' data and tokens' results: no browser or proxy may keep them.
    if (req.url?.startsWith("/api/")) res.setHeader("Cache-Control", "no-store");
    if (observability.serveMetrics(req, res)) return;
    // The bridge API skips Next's router (see serve-bridge-api.ts); everything else is Next's.
    void observeRequest(req, res, () =>
      serveBridgeApi(req, res)
        .then((isServed) => (isServed ? undefined : handle(req, res)))
        .catch((error) => {
          dashboardLog().error("request failed", error);
          if (!res.headersSent) res.writeHead(500).end();
        }),
    );
  });
  // Idle kept-alive connections stay open 65 s (Node's default is 5 s): longer than the
  // usual 60 s of load balancers, so a proxy or a client never reuses a connection the
  // dashboard is closing at that moment.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const io = createSocketServer(httpServer, secret);
  observeSockets(io);
  await cluster.attach(io);
  setIo(io);

  // With several instances only the lease holder runs the sweeps, the purge and the checkpoints.
  let sweeps = 0;
  const sweeper = setInterval(() => {
    // A database that failed and came back is noticed (and the client reopened) without anyone asking /api/health.
    if (sweeps % DATABASE_PROBE_EVERY === 0) void checkDatabase();
    if (sweeps % ABANDONED_SWEEP_EVERY === 0) pruneBridgeInstances();
    if (!cluster.isLeader()) return void sweeps++;
    expireDueApprovals().catch((error) => dashboardLog().error("expiry sweep failed", error));
    escalateDueApprovals().catch((error) => dashboardLog().error("escalation sweep failed", error));
    // Abandoned holds (their bridge process is gone) are looked for less often: it takes a grace period anyway.
    if (++sweeps % ABANDONED_SWEEP_EVERY === 0) {
      expireAbandonedApprovals().catch((error) => dashboardLog().error("abandoned-request sweep failed", error));
    }
  }, EXPIRY_SWEEP_MS);
  sweeper.unref();
  // Retention: a bad AIRLOCK_AUDIT_RETENTION stops the start; a set one purges every 6 hours (the first after a minute).
  parseRetention(process.env.AIRLOCK_AUDIT_RETENTION);
  // A bad AIRLOCK_REVIEW_LINK_STEP_UP stops the start too (at run time it would mean "passkey": fail closed).
  parseStepUp(process.env.AIRLOCK_REVIEW_LINK_STEP_UP);
  const purge = () => cluster.isLeader() && purgeExpiredEvents().catch((error) => dashboardLog().error("audit retention purge failed", error));
  const purgeFirst = process.env.AIRLOCK_AUDIT_RETENTION ? setTimeout(purge, 60_000) : null;
  const purger = process.env.AIRLOCK_AUDIT_RETENTION ? setInterval(purge, 6 * 3_600_000) : null;
  purgeFirst?.unref();
  purger?.unref();
  // A quiet trail is still signed within minutes: the head gets a checkpoint if events came since the last.
  const checkpointer = setInterval(() => {
    if (!cluster.isLeader()) return;
    checkpointHead().catch((error) => dashboardLog().error("audit checkpoint failed", error));
  }, CHECKPOINT_SECONDS * 1000);
  checkpointer.unref();
  // Webhook deliveries that are due, including those a previous run left pending. Every instance
  // runs this: each delivery is claimed by one conditional update (deliveries.ts), never sent twice.
  const notifier = startNotificationWorker();

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, hostname, resolve);
  });
  dashboardLog().info(`dashboard ready on http://${hostname}:${port} (database: ${target.provider})`);

  return {
    httpServer,
    async close() {
      clearInterval(sweeper);
      clearInterval(checkpointer);
      notifier.stop();
      if (purgeFirst) clearTimeout(purgeFirst);
      if (purger) clearInterval(purger);
      io.close();
      await new Promise((resolve) => httpServer.close(resolve));
      await cluster.leave();
      await observability.close();
    },
  };
}
