import { diffLines } from "diff";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { ZPolicy } from "../policy/policy.types";
import { formatPolicyFile } from "./policy-file";

export interface DiffLine {
  type: "added" | "removed" | "same";
  text: string;
}

/** A line diff of two rendered policies (the policy-file YAML), as added, removed and unchanged lines. */
export function diffPolicyText(before: string, after: string): DiffLine[] {
  const out: DiffLine[] = [];
  for (const part of diffLines(before, after)) {
    const type = part.added ? "added" : part.removed ? "removed" : "same";
    for (const text of part.value.replace(/\n$/, "").split("\n")) out.push({ type, text });
  }
  return out;
}

/** The diff between two stored policy versions, rendered as policy files (rules' ids left out: they never change). */
export async function diffPolicyVersions(from: number, to: number) {
  const rows = await db.policyVersion.findMany({ where: { number: { in: [from, to] } } });
  const render = (n: number) => {
    const row = rows.find((r) => r.number === n);
    if (!row) throw new AppError("not_found", { message: `there is no policy version ${n}` });
    const policy = ZPolicy.parse(row.policy);
    return formatPolicyFile({ ...policy, rules: policy.rules.map(({ id: _id, ...rule }) => rule) });
  };
  const lines = diffPolicyText(render(from), render(to));
  return {
    from,
    to,
    added: lines.filter((l) => l.type === "added").length,
    removed: lines.filter((l) => l.type === "removed").length,
    lines,
  };
}
