import { type ChainEvent, checkpointMessage, eventHash, GENESIS_HASH, type PersonalFields, personalDigest, purgeMessage } from "./chain-hash";
import { EVENT_CLASSES, type TEventClass } from "./retention-policy";
import { type PublicKey, verifyMessage } from "./signing-key";

// Walks the audit chain in order and names what is wrong, for `audit verify` against the
// database and against an exported file alike. Pure: events and checkpoints are fed in.

export type ProblemKind = "edited" | "deleted" | "inserted" | "reordered" | "relinked" | "checkpoint";

export interface ChainProblem {
  kind: ProblemKind;
  seq: number | null;
  /** The database row's id, or the file's line, where the walker found it. */
  id?: string;
  line?: number;
  message: string;
}

/** One stored event: its chain fields, its personal fields and salt (null once erased). */
export interface StoredEvent extends ChainEvent, PersonalFields {
  id?: string;
  line?: number;
  hash: string;
  personalSalt: string | null;
  /** Set when retention purged the content: only the position, kind, time and hashes are left. */
  purgedAt?: string | null;
}

/** What an `audit_purged` event records: which kinds, before when, in which range of positions, how many. */
export interface PurgeRecord {
  seq: number;
  kinds: string[];
  before: string;
  fromSeq: number;
  toSeq: number;
  events: number;
  /** Purged events met in the walk that this record covers. */
  covered: number;
}

export interface StoredCheckpoint {
  seq: number;
  hash: string;
  createdAt: string;
  keyId: string;
  signature: string;
  line?: number;
}

export interface WalkSummary {
  checked: number;
  firstSeq: number | null;
  lastSeq: number | null;
  lastHash: string | null;
  checkpoints: number;
  lastCheckpointSeq: number | null;
  /** Events whose content retention purged (each covered by a recorded purge). */
  purged: number;
  problems: ChainProblem[];
}

const MAX_PROBLEMS = 50;

const where = (e: { id?: string; line?: number }) => (e.line ? `line ${e.line}` : e.id ? `row ${e.id}` : "");

export class ChainWalker {
  private prev: { seq: number; hash: string } | null;
  private readonly hashes = new Map<number, string>();
  private readonly pendingCheckpoints = new Map<number, StoredCheckpoint>();
  readonly summary: WalkSummary = {
    checked: 0,
    firstSeq: null,
    lastSeq: null,
    lastHash: null,
    checkpoints: 0,
    lastCheckpointSeq: null,
    purged: 0,
    problems: [],
  };
  private readonly purges = new Map<number, PurgeRecord>();
  private readonly uncovered: StoredEvent[] = [];

  /**
   * @param start where the walk begins: after `seq` whose hash is `hash` (the genesis when the walk
   *   starts at the chain's first event), or null when nothing before the first event is known.
   * @param allowGaps a filtered export leaves events out on purpose: gaps are not deletions there.
   */
  constructor(
    private readonly keys: PublicKey[],
    start: { seq: number; hash: string } | null = { seq: 0, hash: GENESIS_HASH },
    private readonly allowGaps = false,
  ) {
    this.prev = start;
  }

  get isFull(): boolean {
    return this.summary.problems.length >= MAX_PROBLEMS;
  }

  private report(problem: ChainProblem): void {
    if (this.summary.problems.length < MAX_PROBLEMS) this.summary.problems.push(problem);
  }

  event(e: StoredEvent): void {
    const s = this.summary;
    s.checked++;
    s.firstSeq ??= e.seq;
    const at = where(e);
    if (this.prev && e.seq <= this.prev.seq) {
      this.report({
        kind: "reordered",
        seq: e.seq,
        id: e.id,
        line: e.line,
        message: `event ${e.seq} (${at}) comes after event ${this.prev.seq}: out of order`,
      });
      return;
    }
    if (this.prev && e.seq > this.prev.seq + 1 && !this.allowGaps) {
      const missing = e.seq - this.prev.seq - 1;
      this.report({
        kind: "deleted",
        seq: this.prev.seq + 1,
        id: e.id,
        line: e.line,
        message:
          missing === 1 ? `event ${this.prev.seq + 1} is missing: deleted` : `events ${this.prev.seq + 1}–${e.seq - 1} are missing (${missing}): deleted`,
      });
    } else if (this.prev && e.seq === this.prev.seq + 1 && e.prevHash !== this.prev.hash) {
      this.report({
        kind: "relinked",
        seq: e.seq,
        id: e.id,
        line: e.line,
        message: `event ${e.seq} (${at}) does not link to event ${this.prev.seq}: an event before it was replaced or rewritten`,
      });
    }
    if (e.purgedAt) this.purgedEvent(e, at);
    else if (eventHash(e) !== e.hash) {
      this.report({ kind: "edited", seq: e.seq, id: e.id, line: e.line, message: `event ${e.seq} (${at}) was edited: its content does not match its hash` });
    } else if (e.personalSalt) {
      if (personalDigest(e, e.personalSalt) !== e.personalDigest) {
        this.report({ kind: "edited", seq: e.seq, id: e.id, line: e.line, message: `event ${e.seq} (${at}) was edited: its principal or arguments changed` });
      }
    } else if (e.personalDigest && (e.principal != null || e.arguments != null)) {
      // Erased events keep only the digest: personal fields without their salt were put back by hand.
      this.report({ kind: "edited", seq: e.seq, id: e.id, line: e.line, message: `event ${e.seq} (${at}) was edited: personal fields on an erased event` });
    } else if (!e.personalDigest && (e.principal != null || e.arguments != null)) {
      this.report({ kind: "edited", seq: e.seq, id: e.id, line: e.line, message: `event ${e.seq} (${at}) was edited: personal fields added` });
    }
    if (e.kind === "audit_purged" && !e.purgedAt && eventHash(e) === e.hash) this.addPurgeRecord(e.detail, e);
    this.prev = { seq: e.seq, hash: e.hash };
    s.lastSeq = e.seq;
    s.lastHash = e.hash;
    const checkpoint = this.pendingCheckpoints.get(e.seq);
    if (checkpoint) {
      this.pendingCheckpoints.delete(e.seq);
      this.matchCheckpoint(checkpoint, e.hash);
    } else {
      this.hashes.set(e.seq, e.hash);
      if (this.hashes.size > 10_000) this.hashes.delete(this.hashes.keys().next().value as number);
    }
  }

  /**
   * A purge the chain records (read ahead from the database, or met in a file). Accepted only
   * signed by a known key, for kinds of its class, over positions before its own, and with a
   * cutoff at least a day before it was written: anything else vouches for nothing.
   */
  addPurgeRecord(detail: unknown, at: { seq: number; createdAt: string; id?: string; line?: number }): void {
    if (this.purges.has(at.seq)) return;
    const d = detail as {
      class?: unknown;
      kinds?: unknown;
      before?: unknown;
      events?: unknown;
      fromSeq?: unknown;
      toSeq?: unknown;
      keyId?: unknown;
      signature?: unknown;
    } | null;
    const record = d && {
      class: String(d.class),
      kinds: Array.isArray(d.kinds) ? d.kinds.map(String) : [],
      before: String(d.before),
      events: Number(d.events),
      fromSeq: Number(d.fromSeq),
      toSeq: Number(d.toSeq),
    };
    const key = this.keys.find((k) => k.keyId === d?.keyId);
    const classKinds: readonly string[] = record && Object.hasOwn(EVENT_CLASSES, record.class) ? EVENT_CLASSES[record.class as TEventClass] : [];
    const isValid =
      !!record &&
      !!key &&
      verifyMessage(key, purgeMessage(record), String(d?.signature ?? "")) &&
      record.kinds.length > 0 &&
      record.kinds.every((k) => classKinds.includes(k)) &&
      record.toSeq < at.seq &&
      Date.parse(record.before) <= Date.parse(at.createdAt) - 86_400_000;
    if (!isValid || !record) {
      this.report({
        kind: "inserted",
        seq: at.seq,
        id: at.id,
        line: at.line,
        message: `event ${at.seq} is a purge record that is not signed by a key given to verify with, or claims more than a purge may: forged`,
      });
      return;
    }
    this.purges.set(at.seq, { seq: at.seq, ...record, covered: 0 });
  }

  private coveringPurge(e: StoredEvent): PurgeRecord | undefined {
    for (const p of this.purges.values()) if (e.seq >= p.fromSeq && e.seq <= p.toSeq && p.kinds.includes(e.kind) && e.createdAt < p.before) return p;
    return undefined;
  }

  /** A purged event has no content left, and a recorded purge covers it (its hash cannot be recomputed). */
  private purgedEvent(e: StoredEvent, at: string): void {
    this.summary.purged++;
    const content = [e.bridgeId, e.sessionId, e.server, e.tool, e.argumentsHash, e.ruleName, e.policyVersion, e.approvalId, e.actorId, e.latencyMs, e.detail];
    if (content.some((v) => v != null) || e.principal != null || e.arguments != null || e.personalSalt != null) {
      this.report({ kind: "edited", seq: e.seq, id: e.id, line: e.line, message: `event ${e.seq} (${at}) is marked purged but has content: edited` });
    } else {
      const purge = this.coveringPurge(e);
      if (purge) purge.covered++;
      else this.uncovered.push(e);
    }
  }

  /** A checkpoint: its signature, and that the chain at its position has its hash. */
  checkpoint(c: StoredCheckpoint): void {
    this.summary.checkpoints++;
    const key = this.keys.find((k) => k.keyId === c.keyId);
    const at = c.line ? ` (line ${c.line})` : "";
    if (!key) {
      this.report({
        kind: "checkpoint",
        seq: c.seq,
        line: c.line,
        message: `checkpoint ${c.seq}${at} is signed by key ${c.keyId}, which is not a key given to verify with`,
      });
      return;
    }
    if (!verifyMessage(key, checkpointMessage(c), c.signature)) {
      this.report({ kind: "checkpoint", seq: c.seq, line: c.line, message: `checkpoint ${c.seq}${at} has a bad signature: forged or edited` });
      return;
    }
    const seen = this.hashes.get(c.seq);
    if (seen !== undefined) this.matchCheckpoint(c, seen);
    else if (this.prev && c.seq <= this.prev.seq) return;
    else this.pendingCheckpoints.set(c.seq, c);
  }

  private matchCheckpoint(c: StoredCheckpoint, hash: string): void {
    if (hash !== c.hash) {
      this.report({
        kind: "checkpoint",
        seq: c.seq,
        line: c.line,
        message: `the chain at event ${c.seq} does not match its signed checkpoint: events up to ${c.seq} were rewritten`,
      });
      return;
    }
    if (c.seq > (this.summary.lastCheckpointSeq ?? 0)) this.summary.lastCheckpointSeq = c.seq;
  }

  /** Signed checkpoints past the last event walked: the chain was cut short after they were signed. */
  finish(): WalkSummary {
    for (const e of this.uncovered) {
      const purge = this.coveringPurge(e);
      if (purge) {
        purge.covered++;
        continue;
      }
      this.report({
        kind: "edited",
        seq: e.seq,
        id: e.id,
        line: e.line,
        message: `event ${e.seq} (${where(e)}) had its content removed, but no recorded purge covers it: erased outside Airlock`,
      });
    }
    this.uncovered.length = 0;
    // A purge record says how many events it emptied: more means others were wiped (or relabelled) under its cover.
    const s = this.summary;
    for (const p of this.purges.values()) {
      const isWalked = s.firstSeq !== null && s.lastSeq !== null && s.firstSeq <= p.fromSeq && s.lastSeq >= p.toSeq;
      if (isWalked && p.covered !== p.events) {
        this.report({
          kind: "edited",
          seq: p.fromSeq,
          message: `the purge recorded at event ${p.seq} emptied ${p.events} event(s) in ${p.fromSeq}–${p.toSeq}, but ${p.covered} are empty there: events were wiped or relabelled under its cover`,
        });
      }
    }
    for (const c of this.pendingCheckpoints.values()) {
      if (this.prev && c.seq > this.prev.seq) {
        this.report({
          kind: "deleted",
          seq: this.prev.seq + 1,
          line: c.line,
          message: `a checkpoint signed event ${c.seq}, but the chain ends at ${this.prev.seq}: events were deleted from its end`,
        });
      }
    }
    this.pendingCheckpoints.clear();
    return this.summary;
  }
}
