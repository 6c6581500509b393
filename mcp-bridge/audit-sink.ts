import { appendFileSync } from "node:fs";
import type { TBridgeAuditEvent } from "../lib/bridge-api/bridge-api.types";
import type { DashboardClient } from "./dashboard-client";
import { log } from "./log";

const FLUSH_MS = 250;
const BATCH = 100;
const MAX_BUFFERED = 50_000;

export interface AuditSink {
  record(event: TBridgeAuditEvent): void;
  flush(): Promise<void>;
}

/**
 * Batches events to the dashboard off the call path. When the dashboard is
 * unreachable events stay buffered (bounded) and go out with the next flush.
 */
export class DashboardAuditSink implements AuditSink {
  private buffer: TBridgeAuditEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private dropped = 0;

  constructor(private readonly dashboard: DashboardClient) {}

  record(event: TBridgeAuditEvent): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.buffer.shift();
      if (this.dropped++ % 1000 === 0) log(`audit buffer full: dropped ${this.dropped} oldest event(s)`);
    }
    this.buffer.push(event);
    if (this.buffer.length >= BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing ??= this.drain().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length) {
      const batch = this.buffer.slice(0, BATCH);
      try {
        await this.dashboard.sendAudit(batch);
        this.buffer.splice(0, batch.length);
      } catch (error) {
        log(`audit delivery failed, ${this.buffer.length} event(s) kept for retry`, error);
        this.timer ??= setTimeout(() => void this.flush(), 5000);
        return;
      }
    }
  }
}

/** With a local policy and no dashboard: NDJSON to a file, or to stderr. */
export class FileAuditSink implements AuditSink {
  constructor(private readonly path?: string) {}

  record(event: TBridgeAuditEvent): void {
    const line = JSON.stringify({ audit: event }) + "\n";
    if (this.path) appendFileSync(this.path, line);
    else process.stderr.write(line);
  }

  async flush(): Promise<void> {}
}
