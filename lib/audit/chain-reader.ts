import { resolveDatabaseTarget } from "../db/database-url";
import type { StoredEvent } from "./chain-walker";

// Reads the chain for `audit verify` straight through the database driver (better-sqlite3,
// pg) on a connection of its own: the walk reads every event once, and Prisma's row mapping
// cost more than the hashing (bench:export). Read-only: only SELECTs run here.

export interface ChainReader {
  /** Events after `afterSeq` (and up to `toSeq`), in chain order. */
  page(afterSeq: number, toSeq: number | undefined, limit: number): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

const COLUMNS = `"id", "prevHash", "hash", "kind", "bridgeId", "sessionId", "server", "tool", "argumentsHash", "ruleName", "policyVersion",
  "approvalId", "actorId", "latencyMs", "detail", "personalDigest", "personalSalt", "principal", "arguments"`;
const when = (value: unknown) => (value == null ? null : new Date(typeof value === "string" || value instanceof Date ? value : Number(value)).toISOString());

type RawRow = Record<string, unknown>;

const parseJson = (value: unknown) => (value == null ? null : typeof value === "string" ? (JSON.parse(value) as unknown) : value);
const text = (value: unknown) => (value == null ? null : String(value));

function eventOf(r: RawRow, createdAt: string): StoredEvent {
  return {
    id: String(r.id),
    seq: Number(r.seq),
    prevHash: String(r.prevHash ?? ""),
    hash: String(r.hash ?? ""),
    createdAt,
    kind: String(r.kind),
    bridgeId: text(r.bridgeId),
    sessionId: text(r.sessionId),
    server: text(r.server),
    tool: text(r.tool),
    argumentsHash: text(r.argumentsHash),
    ruleName: text(r.ruleName),
    policyVersion: r.policyVersion == null ? null : Number(r.policyVersion),
    approvalId: text(r.approvalId),
    actorId: text(r.actorId),
    latencyMs: r.latencyMs == null ? null : Number(r.latencyMs),
    detail: parseJson(r.detail),
    personalDigest: text(r.personalDigest),
    personalSalt: text(r.personalSalt),
    principal: text(r.principal),
    arguments: parseJson(r.arguments),
    purgedAt: when(r.purgedAt),
  };
}

async function sqliteReader(url: string): Promise<ChainReader> {
  const { default: Database } = await import("better-sqlite3");
  const sqlite = new Database(url.slice("file:".length), { fileMustExist: true });
  const statement = (withEnd: boolean) =>
    sqlite.prepare(
      `SELECT "seq", "createdAt", "purgedAt", ${COLUMNS} FROM "AuditEvent" WHERE "seq" > ?${withEnd ? ` AND "seq" <= ?` : ""} ORDER BY "seq" LIMIT ?`,
    );
  const open = statement(false);
  const bounded = statement(true);
  return {
    async page(afterSeq, toSeq, limit) {
      const rows = (toSeq === undefined ? open.all(afterSeq, limit) : bounded.all(afterSeq, toSeq, limit)) as RawRow[];
      // Prisma keeps SQLite timestamps as ISO text (older rows may be epoch milliseconds).
      return rows.map((r) => eventOf(r, new Date(typeof r.createdAt === "string" ? r.createdAt : Number(r.createdAt)).toISOString()));
    },
    async close() {
      sqlite.close();
    },
  };
}

async function postgresReader(url: string): Promise<ChainReader> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async page(afterSeq, toSeq, limit) {
      // "seq" stays a bigint so ORDER BY sorts numbers (pg hands int8 over as text; Number() reads it).
      // The timestamp as ISO text in UTC (Prisma stores timestamp(3) without a zone, in UTC): no client time zone involved.
      const { rows } = await client.query<RawRow>(
        `SELECT "seq", to_char("createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
           to_char("purgedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "purgedAt", ${COLUMNS}
         FROM "AuditEvent" WHERE "seq" > $1${toSeq === undefined ? "" : ` AND "seq" <= $3`} ORDER BY "seq" LIMIT $2`,
        toSeq === undefined ? [afterSeq, limit] : [afterSeq, limit, toSeq],
      );
      return rows.map((r) => eventOf(r, String(r.createdAt)));
    },
    async close() {
      await client.end();
    },
  };
}

export function openChainReader(): Promise<ChainReader> {
  const target = resolveDatabaseTarget();
  return target.provider === "postgresql" ? postgresReader(target.url) : sqliteReader(target.url);
}
