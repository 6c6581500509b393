import { randomUUID } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { type TBridgeAuditEvent, ZBridgeAuditEvent } from "../lib/bridge-api/bridge-api.types";
import type { AuditSpool } from "./audit-spool";
import { type DashboardClient, DashboardError } from "./dashboard-client";
import { log } from "./log";

const FLUSH_MS = 250;
const BATCH = 100;
const RETRY_MS = 5_000;
const MAX_BUFFERED = 20_000;

export interface AuditSink {
  /** Never blocks and never throws: the call path must not wait for (or fail on) the audit trail. */
  record(event: TBridgeAuditEvent): void;
  flush(): Promise<void>;
}

/** An event that breaks the contract would poison every batch it is in: repair what can be repaired. */
function conform(event: TBridgeAuditEvent): TBridgeAuditEvent | null {
  if (ZBridgeAuditEvent.safeParse(event).success) return event;
  const repaired = {
    ...event,
    tool: event.tool?.slice(0, 300),
    server: event.server?.slice(0, 200),
    detail: { note: "detail dropped: it did not fit the audit contract" },
  };
  return ZBridgeAuditEvent.safeParse(repaired).success ? repaired : null;
}

export interface DashboardAuditSinkOptions {
  spool?: AuditSpool;
  flushMs?: number;
  retryMs?: number;
}

/**
 * Batches events to the dashboard off the call path (every 250 ms or 100 events).
 * While the dashboard is unreachable events stay buffered (bounded) and are
 * mirrored to a spool file, then go out with a later flush; nothing is lost
 * unless the buffer overflows, which is logged.
 */
export class DashboardAuditSink implements AuditSink {
  private buffer: TBridgeAuditEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private dropped = 0;
  /** Set while the dashboard is failing: only the retry timer sends, not every new event. */
  private isBackingOff = false;
  private readonly flushMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly dashboard: DashboardClient,
    private readonly options: DashboardAuditSinkOptions = {},
  ) {
    this.flushMs = options.flushMs ?? FLUSH_MS;
    this.retryMs = options.retryMs ?? RETRY_MS;
    const recovered = options.spool?.recover() ?? [];
    if (recovered.length) {
      log(`delivering ${recovered.length} audit event(s) spooled by an earlier bridge`);
      this.buffer.push(...recovered);
      this.schedule(0);
    }
  }

  record(event: TBridgeAuditEvent): void {
    const conforming = conform(event.id ? event : { id: randomUUID(), ...event });
    if (!conforming) return log("dropped an audit event that does not fit the contract");
    if (this.buffer.length >= MAX_BUFFERED) {
      this.buffer.shift();
      if (this.dropped++ % 1000 === 0) log(`audit buffer full: dropped ${this.dropped} oldest event(s)`);
    }
    this.buffer.push(conforming);
    if (this.buffer.length >= BATCH && !this.isBackingOff) void this.flush();
    else this.schedule(this.flushMs);
  }

  private schedule(ms: number): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => void this.flush(), ms);
    this.timer.unref();
  }

  /** Sends everything buffered; resolves when done or when the dashboard failed (events are kept). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
      if (this.buffer.length && !this.timer) this.schedule(this.flushMs);
    });
    return this.flushing;
  }

  get pending(): number {
    return this.buffer.length;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length) {
      const batch = this.buffer.slice(0, BATCH);
      try {
        await this.dashboard.sendAudit(batch);
        this.buffer.splice(0, batch.length);
        if (this.isBackingOff) log("audit delivery resumed");
        this.isBackingOff = false;
      } catch (error) {
        if (error instanceof DashboardError && !error.isTransient && error.status !== 401 && error.status !== 403) {
          // The dashboard read the batch and refused it: sending it again cannot succeed.
          this.buffer.splice(0, batch.length);
          log(`the dashboard refused ${batch.length} audit event(s); they are dropped`, error);
          continue;
        }
        // Logged once per outage, not on every retry.
        if (!this.isBackingOff) log(`audit delivery failed; events are kept (and spooled) and retried every ${Math.round(this.retryMs / 1000)} s`, error);
        this.isBackingOff = true;
        this.options.spool?.save(this.buffer);
        // Wait for the retry instead of the next record: a burst must not hammer a dashboard that is down.
        this.timer ??= setTimeout(() => {
          this.timer = null;
          void this.flush();
        }, this.retryMs);
        this.timer.unref();
        return;
      }
    }
    this.options.spool?.clear();
  }
}

/**
 * With a local policy and no dashboard: NDJSON to a file, or to stderr (stdout
 * is the MCP channel). Each line is written synchronously before the call goes
 * on, through a descriptor kept open (opening the file per call cost more than
 * the write); `reopen()` (on SIGHUP) follows a log rotation.
 */
export class FileAuditSink implements AuditSink {
  private fd: number | undefined;

  constructor(private readonly path?: string) {}

  record(event: TBridgeAuditEvent): void {
    const line = `${JSON.stringify({ audit: event })}\n`;
    if (!this.path) return void process.stderr.write(line);
    try {
      this.fd ??= openSync(this.path, "a", 0o600);
      writeSync(this.fd, line);
    } catch (error) {
      log(`could not write the audit log ${this.path}`, error);
      this.reopen();
    }
  }

  /** Closes the file; the next event opens it again by name. */
  reopen(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch (error) {
      log(`could not close the audit log ${this.path}`, error);
    }
    this.fd = undefined;
  }

  async flush(): Promise<void> {}
}
