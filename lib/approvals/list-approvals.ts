import type { TApprovalStatus } from "../bridge-api/bridge-api.types";
import { isBridgeInstanceConnected } from "../bridges/bridge-presence";
import { db, type Prisma } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { APPROVAL_DETAIL_INCLUDE, APPROVAL_SUMMARY_INCLUDE, toApprovalDetail, toApprovalSummary } from "./approval-views";

export interface ListApprovalsOptions {
  status?: TApprovalStatus[];
  server?: string;
  tool?: string;
  /** Matches the reviewer's email of any decision. */
  reviewer?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  /** Id of the last row of the previous page. */
  cursor?: string;
}

/** Newest first; decided requests (history) and pending ones (the queue) come from here. */
export async function listApprovals(options: ListApprovalsOptions = {}) {
  const where: Prisma.ApprovalRequestWhereInput = {};
  if (options.status?.length) where.status = { in: options.status };
  if (options.server) where.server = options.server;
  if (options.tool) where.tool = { contains: options.tool };
  if (options.reviewer) where.decisions = { some: { reviewer: { email: options.reviewer } } };
  if (options.from || options.to) where.createdAt = { gte: options.from, lte: options.to };
  const limit = Math.min(options.limit ?? 100, 500);
  const rows = await db.approvalRequest.findMany({
    where,
    include: APPROVAL_SUMMARY_INCLUDE,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, limit);
  return { items: page.map(toApprovalSummary), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
}

export async function getApproval(approvalId: string) {
  const approval = await db.approvalRequest.findUnique({ where: { id: approvalId }, include: APPROVAL_DETAIL_INCLUDE });
  if (!approval) throw new AppError("not_found", { message: "approval request not found" });
  // Reviewers should know when nobody is waiting for their decision any more.
  // Unknown (null) while the cluster's shared presence cannot be read: the page still opens.
  const isBridgeConnected = approval.status === "pending" ? await isBridgeInstanceConnected(approval.bridgeInstance).catch(() => null) : null;
  return { ...toApprovalDetail(approval), isBridgeConnected };
}

/** The pending request a reviewer meets next after this one in the queue (older, newest first), else the newest other. */
export async function nextPendingAfter(a: { id: string; createdAt: string }) {
  const select = { id: true, tool: true } as const;
  const createdAt = new Date(a.createdAt);
  return (
    (await db.approvalRequest.findFirst({
      where: { status: "pending", id: { not: a.id }, createdAt: { lte: createdAt } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select,
    })) ?? (await db.approvalRequest.findFirst({ where: { status: "pending", id: { not: a.id } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select }))
  );
}
