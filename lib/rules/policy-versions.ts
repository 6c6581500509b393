import { appendAudit } from "../audit/chain";
import { db, type Prisma } from "../db/prisma";
import { placeholders } from "../db/raw-sql";
import { AppError } from "../errors/app-error";
import { type TPolicy, ZPolicy, ZRule } from "../policy/policy.types";
import { diffPolicies, isEmptyDiff, type PolicyDiff } from "../policy/policy-diff";
import { ROOM_BRIDGES } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { DEFAULT_KEY, readPolicy } from "./read-policy";
import { absentJsonColumns, toRuleColumns } from "./rule-records";
import { SEEDED_RULES } from "./seeded-rules";

type Tx = Prisma.TransactionClient;

export interface ReplacePolicyOptions {
  /** The new policy, or a function from the current one to the new one (run inside the transaction). */
  policy: TPolicy | ((before: TPolicy) => TPolicy);
  /** Who made the change: a user's email, "cli", or "system". */
  author: string;
  comment?: string;
  /** Compute the plan only; change nothing. */
  isDryRun?: boolean;
  /** The user who made the change, for the audit event (none for the CLI). */
  actorId?: string;
}

export interface PolicyChange {
  version: number;
  diff: PolicyDiff;
  isApplied: boolean;
}

const stripVersion = ({ version: _v, ...policy }: TPolicy) => policy;

async function latestVersion(tx: Tx) {
  return tx.policyVersion.findFirst({ orderBy: { number: "desc" } });
}

/**
 * Records the working policy as version 1 the first time anyone asks (installs start
 * unversioned). An install starts with Airlock's detector rules before its own.
 */
async function ensureFirstVersion(tx: Tx) {
  const latest = await latestVersion(tx);
  if (latest) return latest;
  const policy = await readPolicy(tx);
  // First match wins: the detector rules go before the install's own (an allow rule for read-only tools).
  const isSeeded = !policy.rules.some((rule) => SEEDED_RULES.some((seed) => seed.name === rule.name));
  if (isSeeded) policy.rules = await storeRules(tx, [...SEEDED_RULES.map((rule) => ZRule.parse(rule)), ...policy.rules]);
  return tx.policyVersion.create({
    data: {
      number: 1,
      author: "system",
      comment: isSeeded ? "initial policy, with Airlock's detector rules" : "initial policy",
      policy: stripVersion(policy) as object,
      diff: diffPolicies({ default: policy.default, rules: [] }, policy) as object,
    },
  });
}

/**
 * Writes the rules in order and returns them with their stable ids. A rule
 * keeps its row (and id) when the policy names its id, else when it keeps its
 * name; a new rule gets the id it brings or a generated one.
 */
async function storeRules(tx: Tx, rules: TPolicy["rules"]): Promise<TPolicy["rules"]> {
  const existing = await tx.rule.findMany({ select: { id: true, name: true } });
  const byId = new Map(existing.map((r) => [r.id, r]));
  const byName = new Map(existing.map((r) => [r.name, r]));
  const plan = rules.map((rule) => ({ rule, row: (rule.id ? byId.get(rule.id) : undefined) ?? byName.get(rule.name) }));
  const keptIds = plan.flatMap(({ row }) => (row ? [row.id] : []));
  await tx.rule.deleteMany({ where: { id: { notIn: keptIds } } });
  // Names and positions move out of the way first so that renames and reordering cannot collide.
  for (const { rule, row } of plan) {
    if (row && row.name !== rule.name) await tx.rule.update({ where: { id: row.id }, data: { name: `~renaming~${row.id}` } });
  }
  await tx.rule.updateMany({ data: { position: { increment: 1_000_000 } } });
  const stored: TPolicy["rules"] = [];
  for (const [position, { rule, row }] of plan.entries()) {
    const columns = { ...toRuleColumns(rule), position };
    const { id } = row
      ? await tx.rule.update({ where: { id: row.id }, data: columns, select: { id: true } })
      : await tx.rule.create({ data: { ...columns, ...(rule.id ? { id: rule.id } : {}) }, select: { id: true } });
    // A part the new version removes must not live on in the stored rule (the bridge enforces these rows).
    const cleared = row ? absentJsonColumns(rule) : [];
    if (cleared.length) await tx.$executeRawUnsafe(placeholders(`UPDATE "Rule" SET ${cleared.map((c) => `"${c}" = NULL`).join(", ")} WHERE "id" = $1`), id);
    stored.push({ ...rule, id });
  }
  return stored;
}

/**
 * The one way rules change: the whole new policy replaces the old in one
 * transaction, as a new numbered version with author, comment and diff.
 * Running bridges are told after the commit. An unchanged policy makes no version.
 */
export async function replacePolicy({ policy, author, comment, isDryRun = false, actorId }: ReplacePolicyOptions): Promise<PolicyChange> {
  const result = await db
    .$transaction(async (tx) => {
      const current = await ensureFirstVersion(tx);
      const before = await readPolicy(tx);
      const next = ZPolicy.parse(typeof policy === "function" ? policy(before) : policy);
      await requireApproverGroups(tx, next);
      const diff = diffPolicies(before, next);
      if (isDryRun || isEmptyDiff(diff)) return { version: current.number, diff, isApplied: false };

      const stored = await storeRules(tx, next.rules);
      await tx.setting.upsert({ where: { key: DEFAULT_KEY }, create: { key: DEFAULT_KEY, value: next.default }, update: { value: next.default } });
      // The snapshot bridges enforce carries each rule's stable id.
      const snapshot = { ...stripVersion(next), rules: stored };
      const version = await tx.policyVersion.create({
        data: { number: current.number + 1, author, comment: comment ?? null, policy: snapshot as object, diff: diff as object },
      });
      await appendAudit(tx, [
        {
          kind: "policy_changed",
          policyVersion: version.number,
          actorId: actorId ?? null,
          detail: { author, comment: comment ?? null, from: current.number, diff } as object,
        },
      ]);
      return { version: version.number, diff, isApplied: true };
    })
    .catch((error) => {
      // Two changes at once on PostgreSQL: the version number is unique, so the later one loses.
      if ((error as { code?: string }).code === "P2002") throw new AppError("conflict", { message: "the policy changed at the same time; try again" });
      throw error;
    });
  if (result.isApplied) getIo()?.to(ROOM_BRIDGES).emit("policy:changed");
  return result;
}

/**
 * A rule may name only approver groups that exist (to decide, or to be escalated to): a misspelt
 * group would hold calls nobody can decide, or escalate to nobody.
 */
async function requireApproverGroups(tx: Prisma.TransactionClient, policy: TPolicy): Promise<void> {
  const groupsOf = (r: TPolicy["rules"][number]) => [
    ...(r.approverGroup ? [r.approverGroup] : []),
    ...(r.escalateTo && typeof r.escalateTo === "object" && "group" in r.escalateTo ? [r.escalateTo.group] : []),
  ];
  const named = [...new Set(policy.rules.flatMap(groupsOf))];
  if (!named.length) return;
  const found = new Set((await tx.approverGroup.findMany({ where: { name: { in: named } }, select: { name: true } })).map((g) => g.name));
  for (const rule of policy.rules) {
    const missing = groupsOf(rule).find((g) => !found.has(g));
    if (missing) throw new AppError("invalid_input", { message: `rule "${rule.name}": no approver group is named "${missing}"; create it first` });
  }
}

/** The policy bridges enforce: the latest version's snapshot, with its number. */
export async function loadPolicy(): Promise<TPolicy> {
  const version =
    (await latestVersion(db)) ??
    (await db.$transaction(ensureFirstVersion).catch(async (error) => {
      // Two first loads at once: the other one created version 1.
      if ((error as { code?: string }).code === "P2002") return (await latestVersion(db))!;
      throw error;
    }));
  return { ...ZPolicy.parse(version.policy), version: String(version.number) };
}

export async function listPolicyVersions({ limit = 50 }: { limit?: number } = {}) {
  const rows = await db.policyVersion.findMany({ orderBy: { number: "desc" }, take: Math.min(limit, 500) });
  return rows.map((v) => ({
    number: v.number,
    createdAt: v.createdAt.toISOString(),
    author: v.author,
    comment: v.comment,
    diff: v.diff as unknown as PolicyDiff,
  }));
}

/** Makes an earlier version's policy current again, as a new version (history is never rewritten). */
export async function rollbackPolicy({ toVersion, author, actorId, comment }: { toVersion: number; author: string; actorId?: string; comment?: string }) {
  const target = await db.policyVersion.findUnique({ where: { number: toVersion } });
  if (!target) throw new AppError("not_found", { message: `there is no policy version ${toVersion}` });
  return replacePolicy({ policy: ZPolicy.parse(target.policy), author, actorId, comment: comment ?? `rollback to version ${toVersion}` });
}
