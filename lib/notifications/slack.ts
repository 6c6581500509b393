import { type ApprovalEvent, headline } from "./events";

// The body for a Slack incoming webhook (format "slack"): `text` is the fallback for
// notifications, `blocks` the message. Everything but our own words comes from the agent
// or the MCP server, so it is escaped: no <!channel> pings, no <url|disguised links>.

/** Slack's mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Inline code that cannot be closed early by a backtick in the value. */
const code = (text: string) => `\`${escapeSlack(text).replace(/`/g, "ˋ")}\``;

export interface SlackBody {
  text: string;
  blocks: Record<string, unknown>[];
}

export function slackBody(event: ApprovalEvent): SlackBody {
  const { data } = event;
  const fields = [
    `*Tool*\n${code(data.tool)}`,
    `*Server*\n${code(data.server)}`,
    `*Bridge*\n${code(data.bridge)}`,
    `*Rule*\n${data.rule ? escapeSlack(data.rule) : "policy default"}`,
  ];
  if (data.principal) fields.push(`*On behalf of*\n${escapeSlack(data.principal)}`);
  if (event.type === "approval.decided" && data.decidedBy) fields.push(`*Decided by*\n${escapeSlack(data.decidedBy)}`);
  const args = Object.entries(data.arguments)
    .map(([key, value]) => `• ${code(key)}: ${code(value)}`)
    .join("\n");
  const blocks: Record<string, unknown>[] = [
    { type: "section", text: { type: "mrkdwn", text: `*${escapeSlack(headline(event))}*` } },
    { type: "section", fields: fields.map((text) => ({ type: "mrkdwn", text })) },
  ];
  if (args) blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Arguments*\n${args}` } });
  if (data.comment) blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Comment*\n${escapeSlack(data.comment)}` } });
  const deadline = event.type === "approval.created" || event.type === "approval.escalated" ? `Decide before ${data.expiresAt} · ` : "";
  // The link is ours (approvalLinkFor), but it is escaped like the rest: a "|" or ">" could not re-label it.
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: `${escapeSlack(deadline)}<${escapeSlack(data.url).replace(/\|/g, "%7C")}|Open in Airlock>` }],
  });
  return { text: escapeSlack(headline(event)), blocks };
}
