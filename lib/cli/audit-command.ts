// `airlock audit verify`: the chain in the database, or an exported NDJSON file offline.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ChainProblem } from "../audit/chain-walker";
import { type PublicKey, parsePublicKeys } from "../audit/signing-key";

export const AUDIT_USAGE = `Usage: airlock audit verify [--from SEQ] [--to SEQ] [--public-key KEY] [--format text|json]
       airlock audit verify --file EXPORT.ndjson [--public-key KEY] [--format text|json]

  Walks the audit chain in the database (or an exported file, with no database) and names
  the first broken link: an edited, deleted, inserted or reordered event.
  --public-key  a JWKS or JWK file, an SPKI PEM file, a base64url Ed25519 key, or the
                dashboard's https://…/.well-known/airlock-audit-keys.json
                (default: this machine's signing key, from its data dir or configuration;
                several keys in a JWKS cover checkpoints signed before a key change)
  Exit status: 0 intact, 1 broken, 2 could not verify.

       airlock audit erase --principal EMAIL [--dry-run]

  Erases one person's principal and call arguments from the audit trail and the approval
  requests (a request for erasure); the chain still verifies.

       airlock audit purge [--dry-run]
       airlock audit hold on --reason TEXT | airlock audit hold off

  Purges the content of events past AIRLOCK_AUDIT_RETENTION (e.g. calls=90d,access=1y;
  classes calls, decisions, access, admin); positions and hashes stay, so the chain still
  verifies. A legal hold stops every purge until it is lifted.`;

class AuditUsageError extends Error {}

async function readKeys(spec: string | undefined): Promise<PublicKey[]> {
  if (!spec) {
    const { auditSigningKey, hasSigningKey } = await import("../audit/signing-key");
    // Never generate one here: a new key would verify nothing and name every checkpoint as foreign.
    if (!hasSigningKey())
      throw new Error("no signing key on this machine: pass --public-key (a file, a key, or the dashboard's /.well-known/airlock-audit-keys.json)");
    const { keyId, publicKey } = auditSigningKey();
    return [{ keyId, publicKey }];
  }
  if (/^https?:\/\//.test(spec)) {
    const response = await fetch(spec, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`could not fetch the public key from ${spec}: HTTP ${response.status}`);
    return parsePublicKeys(await response.text());
  }
  return parsePublicKeys(existsSync(spec) ? readFileSync(spec, "utf8") : spec);
}

function printProblems(problems: ChainProblem[]): void {
  for (const p of problems.slice(0, 20)) console.log(`  ✗ ${p.message}`);
  if (problems.length > 20) console.log(`  … and ${problems.length - 20} more`);
}

async function runErase(args: string[]): Promise<number> {
  let values: { principal?: string; "dry-run"?: boolean };
  try {
    values = parseArgs({ args, strict: true, options: { principal: { type: "string" }, "dry-run": { type: "boolean" } } }).values;
    if (!values.principal?.trim()) throw new AuditUsageError("audit erase needs --principal EMAIL");
  } catch (error) {
    console.error(`airlock audit: ${(error as Error).message}\n\n${AUDIT_USAGE}`);
    return 2;
  }
  const [{ migrateDatabase }, { erasePersonalData }] = await Promise.all([import("../db/migrate"), import("../audit/erase-personal-data")]);
  await migrateDatabase();
  const result = await erasePersonalData({ principal: values.principal, isDryRun: values["dry-run"] === true });
  const what = `${result.auditEvents} audit event(s) and ${result.approvalRequests} approval request(s) (${result.spellings} spelling(s) of the principal)`;
  console.log(result.isDryRun ? `Dry run: would erase ${what}.` : `Erased ${what}; the audit chain still verifies.`);
  return 0;
}

async function runRetention(sub: "purge" | "hold", args: string[]): Promise<number> {
  let values: { reason?: string; "dry-run"?: boolean; positionals: string[] };
  try {
    const parsed = parseArgs({ args, strict: true, allowPositionals: sub === "hold", options: { reason: { type: "string" }, "dry-run": { type: "boolean" } } });
    values = { ...parsed.values, positionals: parsed.positionals };
    if (sub === "hold" && !["on", "off"].includes(values.positionals[0] ?? "")) throw new AuditUsageError("audit hold takes on or off");
    if (sub === "hold" && values.positionals[0] === "on" && !values.reason?.trim()) throw new AuditUsageError("audit hold on needs --reason TEXT");
  } catch (error) {
    console.error(`airlock audit: ${(error as Error).message}\n\n${AUDIT_USAGE}`);
    return 2;
  }
  const [{ migrateDatabase }, retention] = await Promise.all([import("../db/migrate"), import("../audit/retention")]);
  await migrateDatabase();
  if (sub === "hold") {
    const hold = await retention.setLegalHold({ isOn: values.positionals[0] === "on", reason: values.reason });
    console.log(hold.isOn ? `Legal hold on since ${hold.since}: ${hold.reason}. Nothing is purged until it is lifted.` : "Legal hold lifted.");
    return 0;
  }
  const result = await retention.purgeExpiredEvents({ isDryRun: values["dry-run"] === true });
  if (result.heldBy) {
    console.log(`Nothing purged: a legal hold is on (${result.heldBy}).`);
    return 0;
  }
  if (!result.purged.length) console.log("No retention is configured (AIRLOCK_AUDIT_RETENTION): nothing to purge.");
  for (const p of result.purged) console.log(`${result.isDryRun ? "Would purge" : "Purged"} ${p.events} ${p.class} event(s) from before ${p.before}`);
  return 0;
}

/** Returns the exit status. */
export async function runAudit(argv: string[]): Promise<number> {
  const [sub, ...args] = argv;
  if (sub === "erase") return runErase(args);
  if (sub === "purge" || sub === "hold") {
    try {
      return await runRetention(sub, args);
    } catch (error) {
      console.error(`airlock audit: ${(error as Error).message}`);
      return 2;
    }
  }
  let values: { from?: string; to?: string; file?: string; "public-key"?: string; format?: string; help?: boolean };
  try {
    if (sub !== "verify") throw new AuditUsageError(sub ? `unknown audit command "${sub}"` : "audit needs a command");
    values = parseArgs({
      args,
      strict: true,
      options: { from: { type: "string" }, to: { type: "string" }, file: { type: "string" }, "public-key": { type: "string" }, format: { type: "string" } },
    }).values;
    for (const name of ["from", "to"] as const) {
      if (values[name] !== undefined && !/^\d{1,15}$/.test(values[name])) throw new AuditUsageError(`--${name} must be a chain position (a whole number)`);
    }
    if (values.format && !["text", "json"].includes(values.format)) throw new AuditUsageError("--format must be text or json");
    if (values.file && (values.from || values.to)) throw new AuditUsageError("--from/--to apply to the database; a file is verified whole");
  } catch (error) {
    console.error(`airlock audit: ${(error as Error).message}\n\n${AUDIT_USAGE}`);
    return 2;
  }
  const isJson = values.format === "json";
  try {
    if (values.file) {
      if (!existsSync(values.file)) throw new Error(`no such file: ${values.file}`);
      const { verifyExportFile } = await import("../audit/verify-file");
      const report = await verifyExportFile(values.file, await readKeys(values["public-key"]));
      if (isJson) console.log(JSON.stringify(report, null, 2));
      else if (report.ok) {
        console.log(
          `✓ ${values.file}: ${report.events} event(s)${report.range.from ? ` (${report.range.from}–${report.range.to})` : ""}, ${report.checkpoints.checked} checkpoint(s), signed trailer valid${report.filtered ? " (a filtered export: each event and the file are checked; events left out by the filter are not)" : ""}`,
        );
      } else {
        console.log(`✗ ${values.file} does not verify (${report.problems.length} problem(s)); the first:`);
        printProblems(report.problems);
      }
      return report.ok ? 0 : 1;
    }
    const [{ migrateDatabase }, { verifyAuditChain }] = await Promise.all([import("../db/migrate"), import("../audit/verify-chain")]);
    await migrateDatabase();
    const started = Date.now();
    const keys = values["public-key"] ? await readKeys(values["public-key"]) : undefined;
    const report = await verifyAuditChain({ fromSeq: values.from ? Number(values.from) : undefined, toSeq: values.to ? Number(values.to) : undefined }, keys);
    if (isJson) console.log(JSON.stringify(report, null, 2));
    else if (report.ok) {
      console.log(
        `✓ audit chain intact: ${report.checked} event(s)${report.range.from ? ` (${report.range.from}–${report.range.to})` : ""} in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `last signed checkpoint ${report.checkpoints.lastValid ?? "none yet"}, ${report.unsigned} event(s) after it`,
      );
    } else {
      console.log(`✗ audit chain broken (${report.problems.length} problem(s)); the first:`);
      printProblems(report.problems);
    }
    return report.ok ? 0 : 1;
  } catch (error) {
    console.error(`airlock audit: could not verify: ${(error as Error).message}`);
    return 2;
  }
}
