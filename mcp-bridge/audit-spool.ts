import { createHash } from "node:crypto";
import { readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TBridgeAuditEvent, ZBridgeAuditEvent } from "../lib/bridge-api/bridge-api.types";
import { log } from "./log";

const PREFIX = "airlock-bridge-spool-";

/**
 * Audit events the dashboard has not acknowledged, kept on disk so a bridge
 * that exits while the dashboard is down does not lose them: the next bridge
 * with the same dashboard and token delivers them.
 *
 * One file per process (`airlock-bridge-spool-<bridge>.<pid>.ndjson` in the temp
 * directory), because several bridges with one token run side by side (one per
 * agent session); a file is only picked up once the process that wrote it is gone.
 */
export class AuditSpool {
  readonly path: string;
  private hasFile = false;
  private claimed: string[] = [];

  /**
   * @param key identifies the dashboard and token (never the token itself), so events
   *   are only ever delivered with the credentials they were recorded under.
   */
  constructor(
    private readonly key: string,
    private readonly dir = tmpdir(),
  ) {
    this.path = join(dir, `${PREFIX}${key}.${process.pid}.ndjson`);
  }

  /** A file-name-safe key: the bridge's name (if given) and a short hash of the dashboard URL and token. */
  static keyFor(dashboardUrl: string, token: string, name?: string): string {
    const digest = createHash("sha256").update(`${dashboardUrl}\n${token}`).digest("hex").slice(0, 12);
    return `${name ? `${name}-` : ""}${digest}`;
  }

  /** Takes over the files left by exited processes with the same key; returns their events. */
  recover(): TBridgeAuditEvent[] {
    // `<key>.<writer pid>.ndjson`, or `….claimed-<pid>` when a bridge took it over and then died too.
    const pattern = new RegExp(`^${PREFIX}${escapeRegExp(this.key)}\\.(\\d+)\\.ndjson(?:\\.claimed-(\\d+))?$`);
    const events: TBridgeAuditEvent[] = [];
    let files: string[];
    try {
      files = readdirSync(this.dir);
    } catch {
      return events;
    }
    for (const file of files.sort()) {
      const match = file.match(pattern);
      const owner = Number(match?.[2] ?? match?.[1]);
      if (!owner || owner === process.pid || isAlive(owner)) continue;
      // Renaming claims the file atomically: two bridges starting together cannot both deliver it.
      const claimed = join(this.dir, `${file.replace(/\.claimed-\d+$/, "")}.claimed-${process.pid}`);
      try {
        renameSync(join(this.dir, file), claimed);
      } catch {
        continue;
      }
      for (const line of readFileSync(claimed, "utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
          const parsed = ZBridgeAuditEvent.safeParse(JSON.parse(line));
          if (parsed.success) events.push(parsed.data);
        } catch {
          // A torn last line (the process died mid-write) is skipped; the rest is kept.
        }
      }
      // Dropped only once its events are delivered or saved under this process's name.
      this.claimed.push(claimed);
    }
    return events;
  }

  /** Replaces this process's spool with the events still undelivered (temp file + rename: never half-written). */
  save(events: TBridgeAuditEvent[]): void {
    try {
      if (!events.length) return this.clear();
      const temp = `${this.path}.tmp`;
      writeFileSync(temp, `${events.map((e) => JSON.stringify(e)).join("\n")}\n`, { mode: 0o600 });
      renameSync(temp, this.path);
      this.hasFile = true;
      for (const file of this.claimed.splice(0)) tryUnlink(file);
    } catch (error) {
      log(`could not write the audit spool ${this.path}`, error);
    }
  }

  /** Everything was delivered: no file should remain. */
  clear(): void {
    for (const file of this.claimed.splice(0)) tryUnlink(file);
    if (this.hasFile) tryUnlink(this.path);
    this.hasFile = false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
