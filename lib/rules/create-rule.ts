import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import type { TRule } from "../policy/policy.types";
import { ROOM_BRIDGES } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { toPolicyRule, toRuleColumns } from "./rule-records";

/** Appends a rule at the end of the order and tells running bridges to reload. */
export async function createRule({ rule, position }: { rule: TRule; position?: number }) {
  const created = await db.$transaction(async (tx) => {
    if (await tx.rule.findUnique({ where: { name: rule.name } })) {
      throw new AppError("conflict", { message: `a rule named "${rule.name}" already exists` });
    }
    const last = await tx.rule.findFirst({ orderBy: { position: "desc" }, select: { position: true } });
    const end = (last?.position ?? -1) + 1;
    const at = position === undefined ? end : Math.max(0, Math.min(position, end));
    if (at < end) await tx.rule.updateMany({ where: { position: { gte: at } }, data: { position: { increment: 1 } } });
    return tx.rule.create({ data: { ...toRuleColumns(rule), position: at } });
  });
  getIo()?.to(ROOM_BRIDGES).emit("policy:changed");
  return toPolicyRule(created);
}

export async function listRules() {
  return (await db.rule.findMany({ orderBy: { position: "asc" } })).map(toPolicyRule);
}
