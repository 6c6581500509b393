import { databaseResets, db, resetDatabaseClient } from "./prisma";

const PROBE_KEY = "health.probe";
const PROBE_TIMEOUT_MS = 3_000;

export interface DatabaseHealth {
  reachable: boolean;
  writable: boolean;
  error?: string;
  /** Times the client was reopened since the dashboard started. */
  reopened: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * Reads and writes the database, each bounded in time. A database that can be
 * read but not written (read-only file, full disk) is not healthy: a held call
 * could not be decided. A failed or stuck write reopens the client, so the
 * dashboard recovers by itself once the database does.
 */
export async function checkDatabase(): Promise<DatabaseHealth> {
  try {
    await withTimeout(db.$queryRaw`SELECT 1`, PROBE_TIMEOUT_MS);
  } catch (error) {
    resetDatabaseClient(`read probe failed: ${(error as Error).message.split("\n")[0]}`);
    return { reachable: false, writable: false, error: "the database does not answer", reopened: databaseResets() };
  }
  try {
    const value = new Date().toISOString();
    await withTimeout(db.setting.upsert({ where: { key: PROBE_KEY }, create: { key: PROBE_KEY, value }, update: { value } }), PROBE_TIMEOUT_MS);
    return { reachable: true, writable: true, reopened: databaseResets() };
  } catch (error) {
    resetDatabaseClient(`write probe failed: ${(error as Error).message.split("\n").filter(Boolean).at(-1)}`);
    return { reachable: true, writable: false, error: "the database cannot be written", reopened: databaseResets() };
  }
}
