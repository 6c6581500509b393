import { z } from "zod";
import { toAppError } from "../api/handle-api-error";
import { decideApproval } from "../approvals/decide-approval";
import { ZDecideApprovalBody } from "../approvals/decide-approval.types";
import { can } from "../auth/roles";
import { findSessionUser } from "../auth/session-user";
import { AppError } from "../errors/app-error";
import type { SocketData, TSocketDecisionAnswer } from "./events";

/** `{ approvalId, ...the body of POST /api/approvals/{id}/decision }`. */
const ZSocketDecision = z.looseObject({ approvalId: z.string().min(1).max(100) }).transform(({ approvalId, ...body }, ctx) => {
  const parsed = ZDecideApprovalBody.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: "custom", message: issue.message });
    return z.NEVER;
  }
  return { approvalId, body: parsed.data };
});

/**
 * `approval:decide`: a reviewer decides over their socket, with exactly the
 * checks of the REST route. The user and their session version are read again
 * for every event (a sign-out, a role change or a disabled account since the
 * socket connected counts now), and
 * the payload is validated like a request body.
 */
export async function decideOverSocket(data: SocketData, payload: unknown): Promise<TSocketDecisionAnswer> {
  try {
    // The session the socket was opened with must still be current (not signed out, disabled or re-roled).
    const user = data.kind === "user" && data.userId ? await findSessionUser({ userId: data.userId, sessionVersion: data.sessionVersion }) : null;
    if (!user) throw new AppError("unauthorized", { message: "sign in to decide" });
    if (!can(user.role, "approvals:decide")) throw new AppError("forbidden", { message: `the ${user.role} role may not decide approval requests` });
    const { approvalId, body } = ZSocketDecision.parse(payload);
    return { ok: true, result: await decideApproval({ approvalId, reviewer: user, body }) };
  } catch (error) {
    // The REST route's mapping: the same codes and messages, a database failure reopens the client.
    const { code, message } = toAppError(error, "payload");
    return { ok: false, error: { code, message } };
  }
}
