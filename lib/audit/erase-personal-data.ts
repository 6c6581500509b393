import { createHash } from "node:crypto";
import { reissueWithoutPrincipal } from "../approvals/receipt";
import { db } from "../db/prisma";
import { parameterList, placeholders } from "../db/raw-sql";
import { normalizeIdentity } from "../identity/normalize-identity";
import { appendAudit } from "./chain";

// Erasure for one person on request (GDPR Art. 17): their principal and the arguments of
// their calls leave the audit trail and the approval requests. The chain still verifies: an
// event's hash covers a salted digest of these fields, not the fields, and the digest stays.

export interface ErasureResult {
  /** The spellings of the principal found (e.g. `Rita <rita@x.test>` and `rita@x.test`). */
  spellings: number;
  auditEvents: number;
  approvalRequests: number;
  isDryRun: boolean;
}

const ERASED_ARGUMENTS = JSON.stringify({ "[erased]": true });

/** The stored spellings that name this person (principals are untrusted text, spelled many ways). */
async function spellingsOf(principal: string): Promise<string[]> {
  const target = normalizeIdentity(principal);
  if (!target) return [];
  const [events, requests] = await Promise.all([
    db.auditEvent.findMany({ where: { principal: { not: null } }, distinct: ["principal"], select: { principal: true } }),
    db.approvalRequest.findMany({ where: { principal: { not: null } }, distinct: ["principal"], select: { principal: true } }),
  ]);
  return [...new Set([...events, ...requests].map((r) => r.principal!))].filter((p) => normalizeIdentity(p) === target);
}

export async function erasePersonalData({
  principal,
  actorId,
  isDryRun = false,
}: {
  principal: string;
  actorId?: string;
  isDryRun?: boolean;
}): Promise<ErasureResult> {
  const spellings = await spellingsOf(principal);
  const list = parameterList(spellings.length);
  if (!spellings.length) return { spellings: 0, auditEvents: 0, approvalRequests: 0, isDryRun };
  if (isDryRun) {
    const [auditEvents, approvalRequests] = await Promise.all([
      db.auditEvent.count({ where: { principal: { in: spellings } } }),
      db.approvalRequest.count({ where: { principal: { in: spellings } } }),
    ]);
    return { spellings: spellings.length, auditEvents, approvalRequests, isDryRun };
  }
  return db.$transaction(async (tx) => {
    // Raw SQL: setting a JSON column to SQL NULL is spelled differently by each generated client.
    const auditEvents = await tx.$executeRawUnsafe(
      placeholders(`UPDATE "AuditEvent" SET "principal" = NULL, "arguments" = NULL, "personalSalt" = NULL WHERE "principal" IN (${list})`),
      ...spellings,
    );
    const requests = await tx.approvalRequest.findMany({ where: { principal: { in: spellings } }, select: { id: true } });
    for (const { id } of requests) await reissueWithoutPrincipal(tx, id);
    await tx.approvalRequest.updateMany({
      where: { principal: { in: spellings } },
      data: { principal: null, prompt: null, reasoning: null, context: [], arguments: JSON.parse(ERASED_ARGUMENTS) },
    });
    // The record of the erasure names the person only by a digest: it must not undo itself.
    await appendAudit(tx, [
      {
        kind: "personal_data_erased",
        actorId: actorId ?? null,
        detail: {
          subject: createHash("sha256").update(normalizeIdentity(principal)).digest("hex"),
          spellings: spellings.length,
          auditEvents,
          approvalRequests: requests.length,
        },
      },
    ]);
    return { spellings: spellings.length, auditEvents, approvalRequests: requests.length, isDryRun };
  });
}
