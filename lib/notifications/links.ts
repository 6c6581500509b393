// Every link a notification carries is built here, and only here.

export type TLinkChannel = "email" | "push" | "webhook" | "slack";

export interface ApprovalLinkOptions {
  approvalId: string;
  /** The recipient, when the link goes to one person (email, push); null for webhooks. */
  userId: string | null;
  /** The proposal the recipient is shown (a decision through the link is bound to it). */
  argumentsHash: string;
  channel: TLinkChannel;
}

/** The dashboard's public base URL: AIRLOCK_PUBLIC_URL, else the origin it serves on (NEXTAUTH_URL). */
export function publicBaseUrl(): string {
  const base = process.env.AIRLOCK_PUBLIC_URL || process.env.NEXTAUTH_URL || "http://127.0.0.1:3000";
  return base.replace(/\/+$/, "");
}

/**
 * The link to one approval request for one recipient and channel. For now the request's page
 * (sign-in first); the signature is kept for a signed single-use link per recipient.
 */
export async function approvalLinkFor({ approvalId }: ApprovalLinkOptions): Promise<string> {
  return `${publicBaseUrl()}/approvals/${encodeURIComponent(approvalId)}`;
}
