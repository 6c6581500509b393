import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type ChainEvent, checkpointMessage, eventHash, GENESIS_HASH, personalDigest, purgeMessage } from "./chain-hash";
import { ChainWalker, type StoredCheckpoint, type StoredEvent } from "./chain-walker";
import { keyIdOf, type SigningKey, signMessage } from "./signing-key";

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

/** A chain of `n` events built the way the writer builds it. */
function chain(n: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const salt = `salt-${seq}`;
    const personal = { principal: `user${seq}@example.com`, arguments: { path: `/tmp/${seq}` } };
    const base: ChainEvent = {
      seq,
      prevHash: prev,
      createdAt: new Date(Date.UTC(2026, 10, 28, 0, 0, seq)).toISOString(),
      kind: "allowed",
      bridgeId: "b1",
      sessionId: "s1",
      server: "fs",
      tool: "read_file",
      argumentsHash: "a".repeat(64),
      ruleName: "read-only tools pass",
      policyVersion: 1,
      approvalId: null,
      actorId: null,
      latencyMs: 0.125,
      detail: { b: 1, a: [1, 2] },
      personalDigest: personalDigest(personal, salt),
    };
    const hash = eventHash(base);
    events.push({ ...base, ...personal, hash, personalSalt: salt });
    prev = hash;
  }
  return events;
}

function walk(events: StoredEvent[], checkpoints: StoredCheckpoint[] = [], keys: SigningKey[] = []) {
  const walker = new ChainWalker(keys.map(({ keyId, publicKey }) => ({ keyId, publicKey })));
  for (const e of events) {
    walker.event(e);
    for (const c of checkpoints.filter((c) => c.seq === e.seq)) walker.checkpoint(c);
  }
  return walker.finish();
}

function signed(key: SigningKey, e: StoredEvent): StoredCheckpoint {
  const c = { seq: e.seq, hash: e.hash, createdAt: "2026-11-28T00:00:00.000Z", keyId: key.keyId };
  return { ...c, signature: signMessage(key, checkpointMessage(c)) };
}

describe("the audit chain walker", () => {
  it("passes an intact chain, whatever the key order of its JSON", () => {
    const events = chain(5);
    events[2] = { ...events[2], detail: { a: [1, 2], b: 1 } };
    expect(walk(events)).toMatchObject({ checked: 5, firstSeq: 1, lastSeq: 5, problems: [] });
  });

  it("names an edited event", () => {
    const events = chain(5);
    events[2] = { ...events[2], tool: "write_file" };
    expect(walk(events).problems).toEqual([expect.objectContaining({ kind: "edited", seq: 3 })]);
  });

  it("names a deleted event and a gap of several", () => {
    const events = chain(8);
    expect(walk([...events.slice(0, 2), ...events.slice(3)]).problems[0]).toMatchObject({ kind: "deleted", seq: 3, message: "event 3 is missing: deleted" });
    expect(walk([...events.slice(0, 2), ...events.slice(5)]).problems[0]).toMatchObject({
      kind: "deleted",
      seq: 3,
      message: expect.stringMatching(/events 3–5/),
    });
  });

  it("names a reordered event", () => {
    const events = chain(5);
    expect(walk([events[0], events[2], events[1], events[3], events[4]]).problems.map((p) => p.kind)).toContain("reordered");
  });

  it("names the link after an event rewritten with a fresh hash", () => {
    const events = chain(5);
    const forged = { ...events[1], tool: "send_email" };
    events[1] = { ...forged, hash: eventHash(forged) };
    expect(walk(events).problems).toEqual([expect.objectContaining({ kind: "relinked", seq: 3 })]);
  });

  it("catches edited personal fields, and accepts their erasure", () => {
    const edited = chain(3);
    edited[1] = { ...edited[1], principal: "someone-else@example.com" };
    expect(walk(edited).problems).toEqual([expect.objectContaining({ kind: "edited", seq: 2 })]);
    const erased = chain(3);
    erased[1] = { ...erased[1], principal: null, arguments: null, personalSalt: null };
    expect(walk(erased).problems).toEqual([]);
    const putBack = chain(3);
    putBack[1] = { ...putBack[1], principal: "x@example.com", personalSalt: null };
    expect(walk(putBack).problems).toEqual([expect.objectContaining({ kind: "edited", seq: 2 })]);
  });

  it("checks checkpoints: signature, key, and the hash at their position", () => {
    const key = newKey();
    const events = chain(6);
    expect(walk(events, [signed(key, events[2]), signed(key, events[5])], [key])).toMatchObject({ checkpoints: 2, lastCheckpointSeq: 6, problems: [] });
    const forged = { ...signed(key, events[2]), hash: "f".repeat(64) };
    expect(walk(events, [forged], [key]).problems[0]).toMatchObject({ kind: "checkpoint", message: expect.stringMatching(/bad signature/) });
    expect(walk(events, [signed(newKey(), events[2])], [key]).problems[0]).toMatchObject({ message: expect.stringMatching(/not a key given/) });
    // The whole chain rewritten from event 2 on, consistently: only the signed checkpoint tells.
    const rewritten = chain(6);
    let prev = rewritten[0].hash;
    for (const e of rewritten.slice(1)) {
      Object.assign(e, { prevHash: prev, tool: "send_email" });
      e.hash = eventHash(e);
      prev = e.hash;
    }
    expect(walk(rewritten, [signed(key, events[2])], [key]).problems).toEqual([expect.objectContaining({ kind: "checkpoint", seq: 3 })]);
  });

  it("names a chain cut short after a signed checkpoint", () => {
    const key = newKey();
    const events = chain(6);
    const walker = new ChainWalker([{ keyId: key.keyId, publicKey: key.publicKey }]);
    for (const e of events.slice(0, 4)) walker.event(e);
    walker.checkpoint(signed(key, events[5]));
    expect(walker.finish().problems).toEqual([expect.objectContaining({ kind: "deleted", seq: 5 })]);
  });

  it("accepts a purged event only without content and under a signed purge record that counts it", () => {
    const key = newKey();
    const events = chain(4);
    const record = { class: "calls", kinds: ["allowed"], before: "2026-12-01T00:00:00.000Z", events: 2, fromSeq: 1, toSeq: 2 };
    const signedRecord = (r: typeof record, by = key) => ({ ...r, keyId: by.keyId, signature: signMessage(by, purgeMessage(r)) });
    const at = { seq: 10, createdAt: "2026-12-05T00:00:00.000Z" };
    const purged = (e: StoredEvent): StoredEvent => ({
      ...e,
      purgedAt: "2026-11-30T00:00:00.000Z",
      bridgeId: null,
      sessionId: null,
      server: null,
      tool: null,
      argumentsHash: null,
      ruleName: null,
      policyVersion: null,
      latencyMs: null,
      detail: null,
      principal: null,
      arguments: null,
      personalSalt: null,
    });
    const walkWith = (list: StoredEvent[], detail: unknown) => {
      const walker = new ChainWalker([{ keyId: key.keyId, publicKey: key.publicKey }]);
      walker.addPurgeRecord(detail, at);
      for (const e of list) walker.event(e);
      return walker.finish();
    };
    expect(walkWith([purged(events[0]), purged(events[1]), events[2], events[3]], signedRecord(record))).toMatchObject({ purged: 2, problems: [] });
    // Outside the recorded range: content removed by hand.
    expect(walkWith([purged(events[0]), purged(events[1]), purged(events[2]), events[3]], signedRecord(record)).problems).toEqual([
      expect.objectContaining({ kind: "edited", seq: 3, message: expect.stringMatching(/no recorded purge covers it/) }),
    ]);
    // Marked purged but its content is still there.
    expect(walkWith([{ ...events[0], purgedAt: "2026-11-30T00:00:00.000Z" }, purged(events[1]), ...events.slice(2)], signedRecord(record)).problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "edited", seq: 1, message: expect.stringMatching(/marked purged but has content/) })]),
    );
    // More emptied than the record says: one was wiped under its cover.
    const wide = { ...record, toSeq: 3 };
    expect(walkWith([purged(events[0]), purged(events[1]), purged(events[2]), events[3]], signedRecord(wide)).problems).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/emptied 2 event\(s\) in 1–3, but 3 are empty there/) }),
    ]);
    // A record nobody with the key wrote, or one that claims another class's kinds, vouches for nothing.
    const forged = walkWith([purged(events[0]), purged(events[1]), events[2], events[3]], signedRecord(record, newKey()));
    expect(forged.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/purge record that is not signed/),
      expect.stringMatching(/no recorded purge/),
      expect.stringMatching(/no recorded purge/),
    ]);
    const greedy = walkWith([purged(events[0]), purged(events[1]), events[2], events[3]], signedRecord({ ...record, kinds: ["allowed", "decided"] }));
    expect(greedy.problems[0].message).toMatch(/claims more than a purge may/);
  });
});
