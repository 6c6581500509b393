import { createHash } from "node:crypto";
import { canonicalJson } from "../crypto/canonical-hash";

// The audit chain's hashing, shared by the writer, `audit verify` against the database and
// the offline check of an exported file: nothing here touches the database.
//
// hash(event) = SHA-256 of the canonical JSON (keys sorted at every depth, RFC 8785 for the
// values the trail holds) of its public fields, its position, the previous event's hash and a
// salted digest of its personal fields. Erasing one person's data removes the fields and the
// salt but keeps the digest, so the chain still verifies (README: Audit trail).

export const CHAIN_VERSION = 1;
export const GENESIS_HASH = "0".repeat(64);

/** An audit event as the chain sees it: every field that is hashed, in plain JSON types. */
export interface ChainEvent {
  seq: number;
  prevHash: string;
  createdAt: string;
  kind: string;
  bridgeId: string | null;
  sessionId: string | null;
  server: string | null;
  tool: string | null;
  argumentsHash: string | null;
  ruleName: string | null;
  policyVersion: number | null;
  approvalId: string | null;
  actorId: string | null;
  latencyMs: number | null;
  detail: unknown;
  personalDigest: string | null;
}

/** The personal part of an event: kept apart from the hash by a salted digest, so it can be erased. */
export interface PersonalFields {
  principal: string | null;
  arguments: unknown;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function eventHash(event: ChainEvent): string {
  return sha256(
    canonicalJson({
      v: CHAIN_VERSION,
      seq: event.seq,
      prev: event.prevHash,
      at: event.createdAt,
      kind: event.kind,
      bridgeId: event.bridgeId,
      sessionId: event.sessionId,
      server: event.server,
      tool: event.tool,
      argumentsHash: event.argumentsHash,
      ruleName: event.ruleName,
      policyVersion: event.policyVersion,
      approvalId: event.approvalId,
      actorId: event.actorId,
      latencyMs: event.latencyMs,
      detail: event.detail ?? null,
      personal: event.personalDigest,
    }),
  );
}

/** Null when the event carries no personal data; otherwise a digest that needs the salt to recompute (no guessing a principal). */
export function personalDigest(fields: PersonalFields, salt: string): string | null {
  if (fields.principal == null && fields.arguments == null) return null;
  return sha256(canonicalJson({ salt, principal: fields.principal ?? null, arguments: fields.arguments ?? null }));
}

/** Latencies are kept to the microsecond: no float noise in exports, and the same number after any database's round trip. */
export function roundLatency(ms: number | null | undefined): number | null {
  return ms == null ? null : Math.round(ms * 1000) / 1000;
}

/** What a checkpoint signs: the chain up to `seq` ended in `hash`. */
export function checkpointMessage(checkpoint: { seq: number; hash: string; createdAt: string }): Buffer {
  return Buffer.from(
    canonicalJson({ type: "airlock.audit.checkpoint", v: CHAIN_VERSION, seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.createdAt }),
  );
}

/** What an export's trailer signs: the digest of every line before it, and its counts. */
export function trailerMessage(t: { events: number; lastSeq: number; next: string | null; digest: string; keyId: string }): Buffer {
  return Buffer.from(
    canonicalJson({
      type: "airlock.audit.export.trailer",
      v: CHAIN_VERSION,
      events: t.events,
      lastSeq: t.lastSeq,
      next: t.next,
      digest: t.digest,
      keyId: t.keyId,
    }),
  );
}

/** What a purge record signs: which class and kinds lost their content, before when, in which range, how many. */
export function purgeMessage(p: { class: string; kinds: string[]; before: string; events: number; fromSeq: number; toSeq: number }): Buffer {
  return Buffer.from(
    canonicalJson({
      type: "airlock.audit.purge",
      v: CHAIN_VERSION,
      class: p.class,
      kinds: p.kinds,
      before: p.before,
      events: p.events,
      fromSeq: p.fromSeq,
      toSeq: p.toSeq,
    }),
  );
}
