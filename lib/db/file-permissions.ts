import { chmodSync, closeSync, existsSync, openSync } from "node:fs";

/** Owner read/write only: the database holds password hashes, arguments of held calls and the audit trail. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

// SQLite's companions: the write-ahead log and its index hold recent pages of the database.
const SQLITE_SUFFIXES = ["", "-wal", "-shm", "-journal"];

/**
 * Makes the SQLite file (created empty here if missing, so it is never born with the
 * umask's 0644) and its -wal/-shm/-journal files readable by the owner only. SQLite
 * creates -wal and -shm with the mode of the database file, so this holds afterwards.
 */
export function restrictSqliteFiles(databasePath: string): void {
  if (!existsSync(databasePath)) closeSync(openSync(databasePath, "a", PRIVATE_FILE_MODE));
  for (const suffix of SQLITE_SUFFIXES) {
    if (existsSync(databasePath + suffix)) chmodSync(databasePath + suffix, PRIVATE_FILE_MODE);
  }
}
