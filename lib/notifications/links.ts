// Every link a notification carries is built here, and only here.
import { AppError } from "../errors/app-error";
import { dashboardLog } from "../observability/dashboard-log";
import { createReviewLink } from "../review-links/review-links";

export type TLinkChannel = "email" | "push" | "webhook" | "slack";

export interface ApprovalLinkOptions {
  approvalId: string;
  /** The recipient, when the link goes to one person (email, push); null for webhooks. */
  userId: string | null;
  /** The proposal the recipient is shown (a decision through the link is bound to it). */
  argumentsHash: string;
  channel: TLinkChannel;
}

/** The dashboard's public base URL: AIRLOCK_PUBLIC_URL, else NEXTAUTH_URL, else the origin a request came to. */
export function publicBaseUrl(fallbackOrigin?: string): string {
  const base = process.env.AIRLOCK_PUBLIC_URL || process.env.NEXTAUTH_URL || fallbackOrigin || "http://127.0.0.1:3000";
  return base.replace(/\/+$/, "");
}

/**
 * The link to one approval request for one recipient and channel. A person's
 * alert (email, push) carries a signed, single-use, short-lived review link
 * bound to them, the request and its argument hash (lib/review-links); a
 * webhook, read by a system or a channel of people, links the request's page
 * (sign-in first). If a review link cannot be made (the request was decided
 * meanwhile), the page link is used.
 */
export async function approvalLinkFor({ approvalId, userId, argumentsHash, channel }: ApprovalLinkOptions): Promise<string> {
  const page = `${publicBaseUrl()}/approvals/${encodeURIComponent(approvalId)}`;
  if (!userId || (channel !== "email" && channel !== "push")) return page;
  try {
    const link = await createReviewLink({ approvalId, userId, argumentsHash, channel });
    return `${publicBaseUrl()}${link.path}`;
  } catch (error) {
    // Decided meanwhile (conflict): the page says so. Anything else is logged; the alert still goes, with the page link.
    if (!(error instanceof AppError && error.code === "conflict")) dashboardLog().error(`could not make a review link for ${approvalId}`, error);
    return page;
  }
}
