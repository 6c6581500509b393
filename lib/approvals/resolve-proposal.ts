import { hashArguments } from "../crypto/canonical-hash";
import type { ApprovalRequest } from "../db/prisma";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { checkAgainstSchema } from "../validation/json-schema";
import type { TDecideApprovalBody } from "./decide-approval.types";

/** One set of arguments reviewers can approve: the agent's proposal, or a reviewer's edit. */
export interface Proposal {
  args: Record<string, unknown>;
  hash: string;
  /** True when these are not the arguments the agent proposed. */
  isEdit: boolean;
}

/**
 * What a decision is about. Every approval is for one exact argument hash:
 * edited arguments are a new proposal (checked against the tool's schema);
 * `argumentsHash` names a proposal the reviewer saw (the original, or another
 * reviewer's edit); neither means the arguments as the agent proposed them.
 */
export async function resolveProposal(approval: ApprovalRequest, body: TDecideApprovalBody): Promise<Proposal> {
  const original: Proposal = { args: approval.arguments as Record<string, unknown>, hash: approval.argumentsHash, isEdit: false };
  if (body.arguments && approval.stage === "result") {
    // The call already ran with these arguments: its held result is released or withheld, not re-run.
    throw new AppError("invalid_input", { message: "a held result is released (approve) or withheld (reject); its call's arguments cannot be edited" });
  }
  if (body.arguments) {
    const schema = approval.inputSchema as Record<string, unknown> | null;
    if (schema) {
      const check = checkAgainstSchema(schema, body.arguments);
      if (!check.ok) {
        throw new AppError("invalid_input", {
          message: `edited arguments do not match the tool's inputSchema: ${check.errors.join("; ")}`,
          details: check.errors,
        });
      }
    }
    const hash = hashArguments(body.arguments);
    if (body.argumentsHash && body.argumentsHash !== hash) {
      throw new AppError("invalid_input", { message: "argumentsHash does not match the edited arguments" });
    }
    return hash === original.hash ? original : { args: body.arguments, hash, isEdit: true };
  }
  if (!body.argumentsHash || body.argumentsHash === original.hash) return original;
  const rows = await db.decision.findMany({ where: { approvalId: approval.id, argumentsHash: body.argumentsHash }, select: { editedArguments: true } });
  const edit = rows.find((row) => row.editedArguments);
  if (!edit) {
    throw new AppError("conflict", { message: "no proposal on this request has that argumentsHash; reload the request and review what is proposed now" });
  }
  return { args: edit.editedArguments as Record<string, unknown>, hash: body.argumentsHash, isEdit: true };
}
