import { type ApprovalEvent, headline, truncate } from "./events";

// The alert email: plain text and HTML with the same content. Everything in it but our own
// words comes from the agent or its MCP server, so the HTML escapes every value.

export const MAX_PROMPT_CHARS = 500;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** No line breaks in a header: a tool name cannot add headers to the message. */
const headerSafe = (text: string) => text.replace(/[\r\n]+/g, " ");

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export function renderApprovalEmail(event: ApprovalEvent, options: { prompt: string | null; link: string }): EmailContent {
  const { data } = event;
  const prompt = options.prompt ? truncate(options.prompt, MAX_PROMPT_CHARS) : null;
  const rows: [string, string][] = [
    ["Tool", data.tool],
    ["Server", data.server],
    ["Bridge", data.bridge],
    ["Rule", data.rule ?? "policy default"],
    ["Why held", data.heldReason],
  ];
  if (data.principal) rows.push(["On behalf of", data.principal]);
  rows.push(["Decide before", `${data.expiresAt.replace("T", " ").slice(0, 19)} UTC`]);
  if (data.requiredApprovers > 1) rows.push(["Approvals needed", String(data.requiredApprovers)]);
  const args = Object.entries(data.arguments);

  const text = [
    headline(event),
    "",
    ...rows.map(([k, v]) => `${k}: ${v}`),
    "",
    "Arguments:",
    ...(args.length ? args.map(([k, v]) => `  ${k}: ${v}`) : ["  (none)"]),
    "",
    ...(prompt ? ["The agent's prompt (its claim, not verified):", prompt, ""] : []),
    `Review it: ${options.link}`,
    "",
    "You get this because you may decide this request. Turn these emails off under Notifications in Airlock.",
  ].join("\n");

  const cell = "padding:4px 12px 4px 0;vertical-align:top";
  const html = `<!doctype html>
<html><body style="font-family:system-ui,sans-serif;color:#0f172a">
<h1 style="font-size:18px">${escapeHtml(headline(event))}</h1>
<table>${rows.map(([k, v]) => `<tr><th align="left" style="${cell}">${escapeHtml(k)}</th><td style="${cell}">${escapeHtml(v)}</td></tr>`).join("")}</table>
<h2 style="font-size:15px">Arguments</h2>
${args.length ? `<table>${args.map(([k, v]) => `<tr><th align="left" style="${cell}"><code>${escapeHtml(k)}</code></th><td style="${cell}"><code>${escapeHtml(v)}</code></td></tr>`).join("")}</table>` : "<p>(none)</p>"}
${prompt ? `<h2 style="font-size:15px">The agent's prompt (its claim, not verified)</h2>\n<blockquote style="white-space:pre-wrap">${escapeHtml(prompt)}</blockquote>` : ""}
<p><a href="${escapeHtml(options.link)}">Review it in Airlock</a></p>
<p style="color:#475569;font-size:12px">You get this because you may decide this request. Turn these emails off under Notifications in Airlock.</p>
</body></html>`;
  return { subject: headerSafe(truncate(headline(event), 200)), text, html };
}
