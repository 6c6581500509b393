// The audit trail proves itself: a real dashboard writes the hash chain (bridge events,
// policy versions, users, tokens, exports), and `airlock audit verify` names each edit,
// deletion and insertion made directly in the database with SQL. The NDJSON export is
// verified offline against the published public key, and each tampering of the file is
// named at its line. Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventHash } from "../../lib/audit/chain-hash";
import { AIRLOCK_BIN, afterBlockingCalls, api, type Dashboard, startDashboard } from "../helpers/dashboard";
import { openRawSql, type RawSql } from "../helpers/raw-sql";

let dashboard: Dashboard;
let sql: RawSql;
let admin: string;
let auditor: string;
let reviewer: string;
let bridgeToken: string;
const dir = mkdtempSync(join(tmpdir(), "airlock-audit-"));

function airlockCli(...args: string[]) {
  return airlockWith({}, ...args);
}
function airlockWith(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, [AIRLOCK_BIN, ...args], { env: { ...dashboard.env, ...env }, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const verify = (...args: string[]) => airlockCli("audit", "verify", ...args);

async function postEvents(events: object[]) {
  await afterBlockingCalls();
  const res = await fetch(`${dashboard.url}/api/bridge/audit`, {
    method: "POST",
    headers: { authorization: `Bearer ${bridgeToken}`, "content-type": "application/json" },
    body: JSON.stringify({ events }),
  });
  expect(res.status).toBe(202);
  return res.json();
}

const callEvent = (i: number, sessionId = "s-chain") => ({
  id: randomUUID(),
  at: new Date().toISOString(),
  kind: i % 3 === 0 ? "denied" : "allowed",
  sessionId,
  server: i % 2 ? "fs" : "mail",
  tool: i % 2 ? "read_file" : "send_email",
  argumentsHash: "ab".repeat(32),
  ruleName: "read-only tools pass",
  policyVersion: 1,
  latencyMs: 0.1 + i / 7,
  principal: `agent-user-${i}@example.com`,
  arguments: { path: `/tmp/file-${i}.txt`, note: "a\nb" },
  detail: { reason: `call ${i}` },
});

async function download(token: string, query: string): Promise<{ status: number; text: string }> {
  await afterBlockingCalls();
  const res = await fetch(`${dashboard.url}/api/audit/export?${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

async function headSeq(): Promise<number> {
  const [row] = await sql.query<{ seq: string | number }>(`SELECT "seq" FROM "AuditChainHead" WHERE "id" = 1`);
  return Number(row.seq);
}

/** Takes a row out (as an attacker would) and gives back a function that puts it back exactly. */
async function removeRow(seq: number): Promise<() => Promise<void>> {
  const [row] = await sql.query(`SELECT * FROM "AuditEvent" WHERE "seq" = $1`, [seq]);
  expect(row).toBeDefined();
  await sql.query(`DELETE FROM "AuditEvent" WHERE "seq" = $1`, [seq]);
  return async () => {
    const columns = Object.keys(row);
    const values = columns.map((c) => (row[c] !== null && typeof row[c] === "object" && !(row[c] instanceof Date) ? JSON.stringify(row[c]) : row[c]));
    await sql.query(`INSERT INTO "AuditEvent" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`, values);
  };
}

beforeAll(async () => {
  // A checkpoint every 5 events, so a short test's chain has several.
  dashboard = await startDashboard({ env: { AIRLOCK_AUDIT_CHECKPOINT_EVERY: "5" } });
  admin = dashboard.addUser("admin@example.com", "admin");
  auditor = dashboard.addUser("auditor@example.com", "auditor");
  reviewer = dashboard.addUser("reviewer@example.com", "reviewer");
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "chain-laptop");
  await postEvents(Array.from({ length: 12 }, (_, i) => callEvent(i)));
  await afterBlockingCalls();
  const put = await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { default: "allow", rules: [] }, comment: "chain test" } });
  expect(put.status).toBe(200);
  sql = await openRawSql(dashboard.database);
});

afterAll(async () => {
  await sql?.close();
  await dashboard?.stop();
});

describe("the audit chain in the database", () => {
  it("verifies intact from the CLI and the API, with signed checkpoints; reviewers may not walk it", async () => {
    const cli = verify();
    expect(cli.stdout).toMatch(/✓ audit chain intact: \d+ event\(s\)/);
    expect(cli.status).toBe(0);
    const { status, body } = await api(dashboard, auditor, "/api/audit/verify");
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, problems: [], firstProblem: null });
    expect(body.checked).toBeGreaterThanOrEqual(20);
    expect(body.checkpoints.lastValid).toBeGreaterThanOrEqual(5);
    expect((await api(dashboard, reviewer, "/api/audit/verify")).status).toBe(403);
    // Users, tokens, the bridge's token, the policy version and the bridge's calls are all in it.
    const { body: trail } = await api(dashboard, admin, "/api/audit/export?format=json");
    const kinds = new Set(trail.events.map((e: { kind: string }) => e.kind));
    for (const kind of ["user_created", "token_created", "bridge_token_created", "policy_changed", "allowed", "denied", "audit_exported"])
      expect(kinds).toContain(kind);
    expect(trail.events.map((e: { seq: number }) => e.seq)).toEqual(trail.events.map((_: unknown, i: number) => i + 1));
  });

  it("names an event edited in SQL", async () => {
    const [row] = await sql.query<{ tool: string }>(`SELECT "tool" FROM "AuditEvent" WHERE "seq" = 9`);
    await sql.query(`UPDATE "AuditEvent" SET "tool" = 'innocent_tool' WHERE "seq" = 9`);
    try {
      const { status, stdout } = verify();
      expect(stdout).toContain("event 9");
      expect(stdout).toMatch(/event 9 \(row \S+\) was edited: its content does not match its hash/);
      expect(status).toBe(1);
      const { body } = await api(dashboard, auditor, "/api/audit/verify");
      expect(body).toMatchObject({ ok: false, firstProblem: { kind: "edited", seq: 9 } });
    } finally {
      await sql.query(`UPDATE "AuditEvent" SET "tool" = $1 WHERE "seq" = 9`, [row.tool]);
    }
    expect(verify().status).toBe(0);
  });

  it("names edited personal fields (the principal is outside the hash, behind its salted digest)", async () => {
    const [row] = await sql.query<{ principal: string; seq: number }>(
      `SELECT "principal", "seq" FROM "AuditEvent" WHERE "principal" IS NOT NULL ORDER BY "seq" LIMIT 1`,
    );
    await sql.query(`UPDATE "AuditEvent" SET "principal" = 'someone-else@example.com' WHERE "seq" = $1`, [row.seq]);
    try {
      const { status, stdout } = verify();
      expect(stdout).toMatch(new RegExp(`event ${Number(row.seq)} .*was edited: its principal or arguments changed`));
      expect(status).toBe(1);
    } finally {
      await sql.query(`UPDATE "AuditEvent" SET "principal" = $1 WHERE "seq" = $2`, [row.principal, row.seq]);
    }
  });

  it("names a deleted event", async () => {
    const restore = await removeRow(10);
    try {
      const { status, stdout } = verify();
      expect(stdout).toContain("event 10 is missing: deleted");
      expect(status).toBe(1);
    } finally {
      await restore();
    }
    expect(verify().status).toBe(0);
  });

  it("names events deleted from the end of the chain", async () => {
    const restore = await removeRow(await headSeq());
    try {
      const { status, stdout } = verify();
      expect(stdout).toMatch(/events were deleted from its end/);
      expect(status).toBe(1);
    } finally {
      await restore();
    }
  });

  it("names rows inserted in SQL: outside the chain, and past its head", async () => {
    const head = await headSeq();
    await sql.query(`INSERT INTO "AuditEvent" ("id", "createdAt", "kind", "tool") VALUES ('forged-row', $1, 'decided', 'send_email')`, [
      dashboard.database.provider === "postgresql" ? new Date() : Date.now(),
    ]);
    try {
      const { status, stdout } = verify();
      expect(stdout).toMatch(/row forged-row \(decided, .*\) has no place in the chain: inserted outside Airlock/);
      expect(status).toBe(1);
      await sql.query(`UPDATE "AuditEvent" SET "seq" = $1, "prevHash" = 'x', "hash" = 'y' WHERE "id" = 'forged-row'`, [head + 1]);
      const past = verify();
      expect(past.stdout).toMatch(new RegExp(`events past the chain's head \\(${head}\\) were added outside Airlock`));
      expect(past.status).toBe(1);
    } finally {
      await sql.query(`DELETE FROM "AuditEvent" WHERE "id" = 'forged-row'`);
    }
    expect(verify().status).toBe(0);
  });

  it("names deleted checkpoints (what an attacker deletes before rewriting the chain)", async () => {
    const saved = await sql.query(`SELECT * FROM "AuditCheckpoint"`);
    expect(saved.length).toBeGreaterThan(0);
    await sql.query(`DELETE FROM "AuditCheckpoint"`);
    try {
      const { status, stdout } = verify();
      expect(stdout).toMatch(/no signed checkpoint between events 5 and \d+: a checkpoint was deleted/);
      expect(status).toBe(1);
    } finally {
      for (const row of saved) {
        const columns = Object.keys(row);
        await sql.query(
          `INSERT INTO "AuditCheckpoint" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
          columns.map((c) => row[c]),
        );
      }
    }
    expect(verify().status).toBe(0);
  });

  it("names the broken link after an event rewritten with a freshly computed hash", async () => {
    const { body } = await api(dashboard, auditor, "/api/audit/export?format=json&limit=20");
    const event = body.events.find((e: { seq: number }) => e.seq === 8);
    const forged = { ...event, tool: "read_file_harmless" };
    const hash = eventHash(forged);
    await sql.query(`UPDATE "AuditEvent" SET "tool" = $1, "hash" = $2 WHERE "seq" = 8`, [forged.tool, hash]);
    try {
      const { status, stdout } = verify();
      expect(stdout).toContain("event 9 (row");
      expect(stdout).toMatch(/does not link to event 8: an event before it was replaced or rewritten/);
      expect(status).toBe(1);
    } finally {
      await sql.query(`UPDATE "AuditEvent" SET "tool" = $1, "hash" = $2 WHERE "seq" = 8`, [event.tool, event.hash]);
    }
  });

  it("stores a batch delivered twice once (the bridge's event ids)", async () => {
    const sessionId = `dup-${randomUUID()}`;
    const batch = Array.from({ length: 4 }, (_, i) => callEvent(i, sessionId));
    expect(await postEvents(batch)).toMatchObject({ accepted: 4, stored: 4 });
    expect(await postEvents(batch)).toMatchObject({ accepted: 4, stored: 0 });
    const rows = await sql.query(`SELECT "id" FROM "AuditEvent" WHERE "sessionId" = $1`, [sessionId]);
    expect(rows).toHaveLength(4);
  });

  it("stores a batch delivered twice at once once (the later insert meets the unique id and is run again)", async () => {
    const sessionId = `dup-at-once-${randomUUID()}`;
    const batch = Array.from({ length: 4 }, (_, i) => callEvent(i, sessionId));
    const answers = await Promise.all([postEvents(batch), postEvents(batch), postEvents(batch)]);
    expect(answers.map((a) => a.accepted)).toEqual([4, 4, 4]);
    expect(answers.reduce((n, a) => n + a.stored, 0)).toBe(4);
    const rows = await sql.query(`SELECT "id" FROM "AuditEvent" WHERE "sessionId" = $1`, [sessionId]);
    expect(rows).toHaveLength(4);
  });

  it("keeps one chain under concurrent writers", async () => {
    const before = await headSeq();
    await Promise.all([
      ...Array.from({ length: 15 }, (_, b) => postEvents(Array.from({ length: 8 }, (_, i) => callEvent(b * 8 + i, `burst-${b}`)))),
      ...Array.from({ length: 4 }, (_, i) =>
        api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { default: "allow", rules: [] }, comment: `burst ${i}` } }),
      ),
      ...Array.from({ length: 5 }, () => download(auditor, "format=csv&kind=denied")),
    ]);
    expect(await headSeq()).toBeGreaterThanOrEqual(before + 15 * 8 + 5);
    const { body } = await api(dashboard, auditor, "/api/audit/verify");
    expect(body).toMatchObject({ ok: true, problems: [] });
  });
});

describe("erasure", () => {
  it("erases one person's principal and arguments, however spelled; the chain still verifies", async () => {
    const sessionId = `erase-${randomUUID()}`;
    const spelled = ["Erin <erin@example.com>", "ERIN@example.com", "mailto:erin@example.com"];
    await postEvents([
      ...spelled.map((principal, i) => ({ ...callEvent(i, sessionId), principal })),
      { ...callEvent(9, sessionId), principal: "other@example.com" },
    ]);
    const dry = airlockCli("audit", "erase", "--principal", "erin@example.com", "--dry-run");
    expect(dry.stdout).toContain("Dry run: would erase 3 audit event(s)");
    expect(await sql.query(`SELECT "id" FROM "AuditEvent" WHERE "sessionId" = $1 AND "principal" IS NOT NULL`, [sessionId])).toHaveLength(4);

    const erased = airlockCli("audit", "erase", "--principal", "erin@example.com");
    expect(erased.stdout).toContain("Erased 3 audit event(s)");
    expect(erased.status).toBe(0);
    const rows = await sql.query<{ principal: string | null; arguments: unknown; personalDigest: string | null; personalSalt: string | null }>(
      `SELECT "principal", "arguments", "personalDigest", "personalSalt" FROM "AuditEvent" WHERE "sessionId" = $1 ORDER BY "seq"`,
      [sessionId],
    );
    expect(rows.slice(0, 3).map((r) => [r.principal, r.arguments, r.personalSalt])).toEqual([
      [null, null, null],
      [null, null, null],
      [null, null, null],
    ]);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.personalDigest ?? ""))).toBe(true);
    expect(rows[3].principal).toBe("other@example.com");
    const { body } = await api(dashboard, auditor, "/api/audit/verify");
    expect(body).toMatchObject({ ok: true, problems: [] });
    const { body: trail } = await api(dashboard, auditor, "/api/audit/export?format=json&kind=personal_data_erased");
    expect(trail.events.at(-1).detail).toMatchObject({ auditEvents: 3, spellings: 3, subject: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(trail.events.at(-1))).not.toContain("erin");
  });
});

describe("retention", () => {
  it("purges old calls' content and keeps the chain verifiable; a legal hold stops it; a purge mark on a live event is named", async () => {
    const sessionId = `old-${randomUUID()}`;
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
    await postEvents(Array.from({ length: 5 }, (_, i) => ({ ...callEvent(i, sessionId), at: tenDaysAgo })));
    const retention = { AIRLOCK_AUDIT_RETENTION: "calls=5d" };

    expect(airlockCli("audit", "hold", "on", "--reason", "litigation 2026-17").stdout).toContain("Legal hold on");
    const held = airlockWith(retention, "audit", "purge");
    expect(held.stdout).toContain("Nothing purged: a legal hold is on (litigation 2026-17)");
    expect(await sql.query(`SELECT "id" FROM "AuditEvent" WHERE "sessionId" = $1`, [sessionId])).toHaveLength(5);
    expect(airlockCli("audit", "hold", "off").stdout).toContain("Legal hold lifted");

    expect(airlockWith(retention, "audit", "purge", "--dry-run").stdout).toMatch(/Would purge 5 calls event\(s\) from before/);
    const purged = airlockWith(retention, "audit", "purge");
    expect(purged.stdout).toMatch(/Purged 5 calls event\(s\)/);
    expect(purged.status).toBe(0);
    const rows = await sql.query<{ tool: string | null; principal: string | null; purgedAt: unknown; hash: string }>(
      `SELECT "tool", "principal", "purgedAt", "hash" FROM "AuditEvent" WHERE "purgedAt" IS NOT NULL`,
    );
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.tool === null && r.principal === null && /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
    const { body } = await api(dashboard, auditor, "/api/audit/verify");
    expect(body).toMatchObject({ ok: true, problems: [], purged: 5 });
    expect(airlockWith({ AIRLOCK_AUDIT_RETENTION: "calls=5weeks" }, "audit", "purge").stderr).toContain('"calls=5weeks" is not CLASS=<days>d');

    // Marking a live event purged (to hide what it says) is an edit.
    const [live] = await sql.query<{ seq: number | string }>(
      `SELECT "seq" FROM "AuditEvent" WHERE "kind" = 'allowed' AND "purgedAt" IS NULL ORDER BY "seq" LIMIT 1`,
    );
    await sql.query(`UPDATE "AuditEvent" SET "purgedAt" = "createdAt" WHERE "seq" = $1`, [live.seq]);
    try {
      const { status, stdout } = verify();
      expect(stdout).toMatch(new RegExp(`event ${Number(live.seq)} .*is marked purged but has content: edited`));
      expect(status).toBe(1);
    } finally {
      await sql.query(`UPDATE "AuditEvent" SET "purgedAt" = NULL WHERE "seq" = $1`, [live.seq]);
    }
  });
});

describe("the chain across instances and upgrades", () => {
  it.runIf(/^postgres/.test(process.env.DATABASE_URL ?? ""))("two dashboard instances on one PostgreSQL database write one chain", async () => {
    const second = await startDashboard({ database: dashboard.database, env: { AIRLOCK_AUDIT_CHECKPOINT_EVERY: "5" } });
    try {
      const before = await headSeq();
      const post = async (url: string, b: number) => {
        const res = await fetch(`${url}/api/bridge/audit`, {
          method: "POST",
          headers: { authorization: `Bearer ${bridgeToken}`, "content-type": "application/json" },
          body: JSON.stringify({ events: Array.from({ length: 10 }, (_, i) => callEvent(b * 10 + i, `two-instances-${b}`)) }),
        });
        expect(res.status).toBe(202);
      };
      await Promise.all(Array.from({ length: 20 }, (_, b) => post(b % 2 ? second.url : dashboard.url, b)));
      expect(await headSeq()).toBe(before + 200);
      const { body } = await api(dashboard, auditor, "/api/audit/verify");
      expect(body).toMatchObject({ ok: true, problems: [] });
    } finally {
      // Only the process: the database is the first dashboard's.
      await second.kill();
    }
  });

  it("events written before the chain existed (an upgraded database) are sealed into it by the first append", async () => {
    // The state migration 0009 leaves on a database with a trail: rows without positions, the head at the genesis.
    // (Such a database never purged anything: retention came with the chain.)
    await sql.query(`DELETE FROM "AuditEvent" WHERE "purgedAt" IS NOT NULL OR "kind" = 'audit_purged'`);
    await sql.query(`UPDATE "AuditEvent" SET "seq" = NULL, "prevHash" = NULL, "hash" = NULL, "personalDigest" = NULL, "personalSalt" = NULL`);
    await sql.query(`DELETE FROM "AuditCheckpoint"`);
    await sql.query(`UPDATE "AuditChainHead" SET "seq" = 0, "hash" = $1, "sealedAt" = NULL`, ["0".repeat(64)]);
    const [{ n }] = await sql.query<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "AuditEvent"`);
    await postEvents([callEvent(1, "after-upgrade")]);
    const { body } = await api(dashboard, auditor, "/api/audit/verify");
    expect(body).toMatchObject({ ok: true, problems: [], checked: Number(n) + 1 });
    // The sealed trail is signed at once, not only from the next N events on.
    expect(body.checkpoints.lastValid).toBe(Number(n) + 1);
    const [unsealed] = await sql.query<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "AuditEvent" WHERE "seq" IS NULL`);
    expect(Number(unsealed.n)).toBe(0);
  });
});

describe("exports", () => {
  it("an NDJSON export verifies offline against the published key; each tampering is named at its line", async () => {
    const keys = await (await fetch(`${dashboard.url}/.well-known/airlock-audit-keys.json`)).json();
    expect(keys.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", kid: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(keys.keys[0].d).toBeUndefined();
    const keyFile = join(dir, "keys.json");
    writeFileSync(keyFile, JSON.stringify(keys));
    const { status, text } = await download(auditor, "format=ndjson");
    expect(status).toBe(200);
    const file = join(dir, "export.ndjson");
    writeFileSync(file, text);
    const lines = text.trimEnd().split("\n");
    expect(JSON.parse(lines[0])).toMatchObject({ type: "header", filtered: false });
    expect(lines.some((l) => JSON.parse(l).type === "checkpoint")).toBe(true);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: "trailer", signature: expect.any(String) });

    const ok = verify("--file", file, "--public-key", keyFile);
    expect(ok.stdout).toMatch(/✓ .*export\.ndjson: \d+ event\(s\).*signed trailer valid/);
    expect(ok.status).toBe(0);
    // The same, given the key's URL.
    expect(verify("--file", file, "--public-key", `${dashboard.url}/.well-known/airlock-audit-keys.json`).status).toBe(0);

    const tampered = (name: string, edit: (lines: string[]) => string[]) => {
      const path = join(dir, `${name}.ndjson`);
      writeFileSync(path, `${edit([...lines]).join("\n")}\n`);
      return verify("--file", path, "--public-key", keyFile);
    };
    const eventLine = lines.findIndex((l, i) => i > 3 && JSON.parse(l).kind === "allowed");
    const edited = tampered("edited", (ls) => {
      ls[eventLine] = ls[eventLine].replace('"kind":"allowed"', '"kind":"denied"');
      return ls;
    });
    expect(edited.stdout).toContain(`line ${eventLine + 1}) was edited`);
    expect(edited.status).toBe(1);
    const deleted = tampered("deleted", (ls) => ls.filter((_, i) => i !== eventLine));
    expect(deleted.stdout).toMatch(/is missing: deleted/);
    expect(deleted.status).toBe(1);
    const reordered = tampered("reordered", (ls) => {
      [ls[eventLine], ls[eventLine + 1]] = [ls[eventLine + 1], ls[eventLine]];
      return ls;
    });
    expect(reordered.status).toBe(1);
    expect(reordered.stdout).toMatch(/out of order|does not link/);
    const truncated = tampered("truncated", (ls) => ls.slice(0, -3));
    expect(truncated.stdout).toMatch(/without its signed trailer: truncated/);
    expect(truncated.status).toBe(1);
    // An intact file checked against someone else's key: nothing it signs can be trusted.
    const stranger = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x as string;
    const wrongKey = verify("--file", file, "--public-key", stranger);
    expect(wrongKey.stdout).toMatch(/which is not a key given to verify with/);
    expect(wrongKey.status).toBe(1);
  });

  it("a filtered export verifies as a file, each event on its own", async () => {
    const { text } = await download(auditor, "format=ndjson&server=fs&outcome=allowed");
    const file = join(dir, "filtered.ndjson");
    writeFileSync(file, text);
    const events = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === "event");
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.server === "fs" && e.kind === "allowed")).toBe(true);
    const { status, stdout } = verify("--file", file);
    expect(stdout).toMatch(/a filtered export/);
    expect(status).toBe(0);
  });

  it("CSV is flat: one column per field, no JSON in a cell, latencies rounded, formulas defused", async () => {
    await postEvents([{ ...callEvent(1, "formula"), tool: "=HYPERLINK(1)", principal: "@SUM(1)" }]);
    const { status, text } = await download(auditor, "format=csv&kind=allowed,denied");
    // A cell that a spreadsheet would run as a formula starts with a quote instead.
    expect(text).toContain(",'=HYPERLINK(1),");
    expect(text).not.toMatch(/(^|,)[=@]/m);
    expect(status).toBe(200);
    const [header, ...rows] = text.trimEnd().split("\n");
    expect(header.split(",")).toEqual(expect.arrayContaining(["seq", "createdAt", "kind", "principal", "latencyMs", "decision", "comment", "details", "hash"]));
    expect(rows.length).toBeGreaterThan(10);
    expect(text).not.toMatch(/[{[]"/);
    const latency = header.split(",").indexOf("latencyMs");
    for (const row of rows.filter((r) => !r.includes('"'))) expect(row.split(",")[latency]).toMatch(/^\d+\.\d$/);
  });

  it("resumes from a cursor, and the pages join up", async () => {
    const first = JSON.parse((await download(auditor, "format=json&limit=7")).text);
    expect(first.events).toHaveLength(7);
    expect(first.next).toBe(String(first.events[6].seq));
    const second = JSON.parse((await download(auditor, `format=json&limit=7&cursor=${first.next}`)).text);
    expect(second.events[0].seq).toBe(first.events[6].seq + 1);
  });

  it("refuses bad filters with a 422 naming the field, and writes nothing", async () => {
    const before = await headSeq();
    for (const [query, field] of [
      ["cursor=abc", "cursor"],
      ["outcome=maybe", "outcome"],
      ["from=yesterday", "from"],
      ["limit=0", "limit"],
      ["colour=blue", "colour"],
    ]) {
      const { status, body } = await api(dashboard, auditor, `/api/audit/export?${query}`);
      expect({ query, status }).toEqual({ query, status: 422 });
      expect(JSON.stringify(body.error)).toContain(field);
    }
    expect(await headSeq()).toBe(before);
  });

  it("a reviewer's export holds only their own events, whatever they filter", async () => {
    await download(reviewer, "format=json");
    const { body } = await api(dashboard, reviewer, "/api/audit/export?format=json&kind=allowed,audit_exported");
    const [me] = await sql.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "email" = 'reviewer@example.com'`);
    expect(body.events.length).toBeGreaterThan(0);
    expect(body.events.every((e: { actorId: string }) => e.actorId === me.id)).toBe(true);
    const other = await api(dashboard, reviewer, "/api/audit/export?format=json&reviewer=admin@example.com");
    expect(other.body.events).toEqual([]);
  });
});

describe("the export file, read back", () => {
  it("keeps personal fields with their salt so the offline check covers them", async () => {
    const withPrincipal = (await download(auditor, "format=ndjson&kind=allowed")).text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((e) => e.principal);
    expect(withPrincipal).toMatchObject({ personalSalt: expect.stringMatching(/^[0-9a-f]{32}$/), personalDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
