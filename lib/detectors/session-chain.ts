import type { TFinding } from "./detector.types";
import { severityRank } from "./detector.types";
import { scanArguments, scanResult } from "./scan-content";

/**
 * The chain of tool abuse ("lethal trifecta"): a session that has taken in private data
 * and untrusted content must not send anything out without a person seeing the chain.
 * Pure: the bridge feeds it one call at a time, `airlock scan --session` replays a
 * recorded session through it.
 */

export interface TToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** How an admin tagged a tool on the Tools page; absent fields default from the annotations and the name. */
export interface TToolTags {
  /** What the tool's results bring into the session. */
  source?: "private" | "untrusted" | "both" | "none";
  /** Whether a call sends data out of the organisation (email, web, public posts). */
  sink?: boolean;
}

/** One recorded step of an MCP session: the shape `airlock scan --session` reads and the audit trail exports. */
export interface TSessionStep {
  server: string;
  tool: string;
  annotations?: TToolAnnotations;
  arguments?: unknown;
  result?: unknown;
  tags?: TToolTags;
}

export interface TStepVerdict {
  index: number;
  held: boolean;
  /** One line each: why the step would have been held. */
  reasons: string[];
  findings: TFinding[];
  /** The earlier steps that brought private data and untrusted content in, when the chain rule held this one. */
  chain?: { private: number[]; untrusted: number[] };
}

export interface TToolRole {
  private: boolean;
  untrusted: boolean;
  sink: boolean;
}

const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** Verbs and nouns of tool names, by what they usually do. Admin tags override all of this. */
const SEND_VERBS = new Set([
  "send",
  "post",
  "publish",
  "email",
  "mail",
  "reply",
  "forward",
  "share",
  "upload",
  "tweet",
  "comment",
  "message",
  "notify",
  "webhook",
  "submit",
  "invite",
  "dm",
  "transfer",
  "pay",
  "push",
]);
const CREATE_VERBS = new Set(["create", "add", "open", "update", "edit", "write"]);
/** What a create/update reaches others through (an issue, a PR, a post, a message); a local file is not that. */
const PUBLIC_OBJECTS = new Set([
  "issue",
  "issues",
  "pull",
  "pr",
  "comment",
  "comments",
  "gist",
  "post",
  "tweet",
  "message",
  "messages",
  "review",
  "discussion",
  "release",
  "page",
  "event",
  "invite",
  "email",
  "mail",
  "draft",
  "status",
  "reply",
  "webhook",
  "request",
]);
const HTTP_SENDS = new Set(["http_post", "http_put", "http_request", "post_request", "put_request", "make_request"]);
const READ_VERBS = new Set([
  "read",
  "get",
  "list",
  "search",
  "query",
  "find",
  "fetch",
  "download",
  "view",
  "show",
  "describe",
  "lookup",
  "retrieve",
  "export",
  "dump",
  "select",
  "open",
  "cat",
  "load",
]);
const PRIVATE_NOUNS = new Set([
  "file",
  "files",
  "text",
  "email",
  "emails",
  "mail",
  "mails",
  "inbox",
  "thread",
  "threads",
  "message",
  "messages",
  "dm",
  "dms",
  "secret",
  "secrets",
  "credential",
  "credentials",
  "password",
  "passwords",
  "key",
  "keys",
  "token",
  "tokens",
  "vault",
  "db",
  "database",
  "sql",
  "table",
  "tables",
  "record",
  "records",
  "row",
  "rows",
  "customer",
  "customers",
  "contact",
  "contacts",
  "calendar",
  "events",
  "document",
  "documents",
  "doc",
  "docs",
  "drive",
  "note",
  "notes",
  "contents",
  "content",
  "directory",
  "env",
  "environment",
  "config",
  "history",
  "account",
  "accounts",
  "transactions",
  "balance",
  "invoice",
  "invoices",
  "payroll",
  "employee",
  "employees",
  "user",
  "users",
  "profile",
  "memory",
  "memories",
  "repo",
  "repository",
  "private",
  "diary",
  "health",
  "medical",
  "patient",
  "salary",
]);
const UNTRUSTED_WORDS = new Set([
  "fetch",
  "browse",
  "browser",
  "web",
  "url",
  "urls",
  "http",
  "scrape",
  "crawl",
  "navigate",
  "website",
  "webpage",
  "page",
  "search_web",
  "issue",
  "issues",
  "pull",
  "pr",
  "comment",
  "comments",
  "discussion",
  "review",
  "reviews",
  "tweet",
  "tweets",
  "feed",
  "rss",
  "news",
  "reddit",
  "forum",
  "wiki",
  "wikipedia",
  "public",
  "internet",
  "inbound",
  "download",
]);
const PRIVATE_SERVERS =
  /(?:filesystem|file|gmail|mail|outlook|postgres|sqlite|mysql|mongo|database|db|drive|notion|slack|vault|secrets?|1password|bitwarden|memory|calendar|jira|confluence|salesforce|hubspot|bank|stripe)/i;
/** Whole words of a server's name (`brave-search`, `mcp-server-fetch`): a substring would make `elasticsearch` a web search and `example` Exa. */
const UNTRUSTED_SERVERS = new Set([
  "fetch",
  "browser",
  "puppeteer",
  "playwright",
  "web",
  "websearch",
  "webfetch",
  "search",
  "brave",
  "tavily",
  "exa",
  "firecrawl",
  "scrape",
  "scraper",
  "crawl",
  "crawler",
  "reddit",
  "twitter",
  "rss",
  "news",
]);
const isUntrustedServer = (server: string) => words(server).some((w) => UNTRUSTED_SERVERS.has(w));

/** Send verbs that are nouns as often (`slack_message_search`, `email_search`): a read verb after one makes it the object. */
const NOUN_LIKE_SENDS = new Set([
  "email",
  "mail",
  "message",
  "post",
  "comment",
  "share",
  "dm",
  "webhook",
  "tweet",
  "reply",
  "invite",
  "transfer",
  "pay",
  "push",
  "forward",
]);

/**
 * Whether a tool's name says it sends out. Names read `[service_]verb_object` (`slack_post_message`,
 * `google_drive_upload_file`, `chat_postMessage`) or `object_verb` (`messages_create`), so the
 * first verb of the name, at whatever word, is what the tool does: a send verb, or a create verb
 * with something others see (an issue, a page, a message) anywhere in the name. A name led by a
 * read verb reads, whatever it reads about: `get_sent_messages`, `read_email`, `gmail_get_message`,
 * `drive_get_upload_status`; so does a noun-like send word followed by a read verb
 * (`slack_message_search`). A send word with no read verb after it still sends: `email_summary`
 * may well email a summary, and a tool wrongly taken for a send is only held in a tainted
 * session, while a send taken for a read lets the chain out. (`open` creates an issue but reads
 * a file: the create test comes first.)
 */
function isSendVerbName(w: readonly string[]): boolean {
  for (let at = 0; at < w.length; at++) {
    const verb = w[at] as string;
    if (SEND_VERBS.has(verb)) {
      if (NOUN_LIKE_SENDS.has(verb) && w.slice(at + 1).some((x) => READ_VERBS.has(x))) continue;
      return true;
    }
    if (CREATE_VERBS.has(verb)) return w.some((x, i) => i !== at && PUBLIC_OBJECTS.has(x));
    if (READ_VERBS.has(verb)) return false;
  }
  return false;
}

/**
 * What a tool does to a session, by its tags, then its annotations, then its name:
 * it reads private data, it brings untrusted content in, it sends data out.
 */
export function roleOfTool(step: Pick<TSessionStep, "server" | "tool" | "annotations" | "tags">): TToolRole {
  const w = words(step.tool);
  const joined = w.join("_");
  const has = (set: Set<string>) => w.some((x) => set.has(x)) || set.has(joined);
  const isSendName = (isSendVerbName(w) || HTTP_SENDS.has(joined)) && step.annotations?.readOnlyHint !== true;
  const isRead = !isSendName && (w.some((x) => READ_VERBS.has(x)) || step.annotations?.readOnlyHint === true);
  const open = step.annotations?.openWorldHint;
  const readOnly = step.annotations?.readOnlyHint;

  const tagged = step.tags?.source;
  const untrusted =
    tagged !== undefined
      ? tagged === "untrusted" || tagged === "both"
      : (open === true && readOnly !== false && !isSendName) || (isRead && (has(UNTRUSTED_WORDS) || isUntrustedServer(step.server)));
  const isPrivate =
    tagged !== undefined ? tagged === "private" || tagged === "both" : isRead && !untrusted && (has(PRIVATE_NOUNS) || PRIVATE_SERVERS.test(step.server));
  // A sink by name unless the annotations say it stays inside; or any open-world tool that is not a read.
  const sink = step.tags?.sink ?? ((isSendName && open !== false) || (open === true && readOnly !== true && !isRead));
  return { private: isPrivate, untrusted, sink };
}

/** What a session has taken in so far, as a rule's `session.*` reads it. */
export interface TSessionFacts {
  private: boolean;
  untrusted: boolean;
  /** Both: the next send would complete the chain. */
  tainted: boolean;
  /** The steps (0-based) that brought each in. */
  chain: { private: number[]; untrusted: number[] };
}

/** How many steps a session remembers as the chain's evidence (the facts themselves never expire). */
const MAX_CHAIN_STEPS = 20;

/** What the seeded rule holds when a sink sends it: secrets, personal numbers, text written to steer a model. */
const SENT_OUT = new Set(["secrets", "pii", "prompt-injection"]);

/** A session as the bridge sees it, one step at a time. */
export class SessionChain {
  private readonly privateSteps: number[] = [];
  private readonly untrustedSteps: number[] = [];
  private readonly labels = new Map<number, { server: string; tool: string }>();
  private steps = 0;

  /** Which tool a step of the chain called (for reviewers), when the bridge said. */
  labelOf(index: number): { index: number; server: string; tool: string } {
    return { index, ...(this.labels.get(index) ?? { server: "", tool: "" }) };
  }

  /** The index the next call gets. */
  nextIndex(): number {
    return this.steps++;
  }

  facts(): TSessionFacts {
    const isPrivate = this.privateSteps.length > 0;
    const isUntrusted = this.untrustedSteps.length > 0;
    return {
      private: isPrivate,
      untrusted: isUntrusted,
      tainted: isPrivate && isUntrusted,
      chain: { private: [...this.privateSteps], untrusted: [...this.untrustedSteps] },
    };
  }

  /** A result entered the session: it brings private data, untrusted content (by the tool, or by what it carries), or neither. */
  observe(index: number, role: TToolRole, resultFindings: readonly TFinding[], label?: { server: string; tool: string }): void {
    const carriesInjection = resultFindings.some(
      (f) =>
        (f.detector === "prompt-injection" || f.detector === "invisible-unicode" || f.detector === "encoded-payloads") &&
        severityRank(f.severity) >= severityRank("medium"),
    );
    const isPrivate = role.private && this.privateSteps.length < MAX_CHAIN_STEPS;
    const isUntrusted = (role.untrusted || carriesInjection) && this.untrustedSteps.length < MAX_CHAIN_STEPS;
    if (isPrivate) this.privateSteps.push(index);
    if (isUntrusted) this.untrustedSteps.push(index);
    if (label && (isPrivate || isUntrusted)) this.labels.set(index, label);
  }

  /** Before a call runs: would it be held? */
  beforeCall(step: Omit<TSessionStep, "result">): TStepVerdict {
    const index = this.nextIndex();
    const role = roleOfTool(step);
    const findings = step.arguments === undefined ? [] : scanArguments(step.arguments);
    const reasons: string[] = [];
    let chain: TStepVerdict["chain"];
    if (role.sink && this.privateSteps.length && this.untrustedSteps.length) {
      chain = { private: [...this.privateSteps], untrusted: [...this.untrustedSteps] };
      reasons.push(
        `sends data out after the session read private data (step ${chain.private.map((i) => i + 1).join(", ")}) and untrusted content (step ${chain.untrusted.map((i) => i + 1).join(", ")})`,
      );
    }
    // As the seeded rule: a high secret, personal number or injection in what a sink sends out.
    const outbound = role.sink ? findings.find((f) => f.severity === "high" && SENT_OUT.has(f.detector)) : undefined;
    if (outbound) reasons.push(`sends ${outbound.message} out (${outbound.location})`);
    return { index, held: reasons.length > 0, reasons, findings, ...(chain ? { chain } : {}) };
  }

  /** After a call returned: is its result held, and what did it bring into the session? */
  afterResult(index: number, step: TSessionStep): TStepVerdict {
    const role = roleOfTool(step);
    const findings = step.result === undefined ? [] : scanResult(step.result);
    const injection = findings.filter((f) => f.detector === "prompt-injection" || f.detector === "invisible-unicode" || f.detector === "encoded-payloads");
    this.observe(index, role, findings);
    const reasons: string[] = [];
    const high = injection.find((f) => f.severity === "high");
    if (high) reasons.push(`its result carries ${high.message} (${high.location})`);
    return { index, held: reasons.length > 0, reasons, findings };
  }
}

/** Replays a recorded session through every detector and the chain rule; one verdict per step. */
export function replaySession(steps: readonly TSessionStep[]): TStepVerdict[] {
  const chain = new SessionChain();
  return steps.map((step) => {
    const before = chain.beforeCall(step);
    // A recorded result did enter the session (the call ran, approved or not): it still taints it.
    const after = step.result === undefined ? null : chain.afterResult(before.index, step);
    if (!after) return before;
    return {
      index: before.index,
      held: before.held || after.held,
      reasons: [...before.reasons, ...after.reasons],
      findings: [...before.findings, ...after.findings],
      ...(before.chain ? { chain: before.chain } : {}),
    };
  });
}
