/**
 * Whether an error means the database itself failed (unreachable, read-only,
 * I/O error, dropped connection, pool exhausted) rather than the request being
 * wrong: such errors are answered with 503 and make the dashboard reopen its
 * database client. Codes: SQLite's SQLITE_IOERR*, SQLITE_READONLY*,
 * SQLITE_CANTOPEN, SQLITE_FULL, SQLITE_BUSY, SQLITE_NOTADB, SQLITE_CORRUPT;
 * Prisma's P1001 (unreachable), P1002 (timed out), P1008 (operation timed out),
 * P1017 (connection closed), P2024 (no connection from the pool), P2028
 * (transaction API error); PostgreSQL's class 08 (connection) and 57P0x
 * (server shutting down); Node's socket errors.
 */
const SQLITE = /^SQLITE_(IOERR|READONLY|CANTOPEN|FULL|BUSY|NOTADB|CORRUPT)/;
const PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
const NODE = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    const message = String((e as { message?: unknown }).message ?? "");
    if (SQLITE.test(code) || PRISMA.has(code) || NODE.has(code) || /^08|^57P0/.test(code)) return true;
    if (
      /SQLITE_(IOERR|READONLY|CANTOPEN|FULL|NOTADB)|disk I\/O error|readonly database|Connection terminated|server closed the connection|terminating connection/i.test(
        message,
      )
    )
      return true;
  }
  return false;
}

/**
 * Whether a transaction was refused because it ran past its timeout (Prisma's P2028 on an
 * expired transaction): it waited on a busy database (a row lock queue under load), and was
 * rolled back. Still a 503, but the client is fine; reopening it would end every other
 * transaction in flight on it.
 */
export function isExpiredTransaction(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e?.code === "P2028" && /expired transaction/i.test(String(e.message ?? ""));
}

/**
 * Whether a query failed on a unique index: a model query says P2002; a raw one P2010 with
 * the driver adapter's own kind (on either database).
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return e?.code === "P2002" || (e?.code === "P2010" && e.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation");
}
