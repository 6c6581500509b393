import { type AuditInput, appendAudit } from "../audit/chain";
import { TOOL_SOURCES, type TToolReport, type TToolVerdict } from "../bridge-api/bridge-api.types";
import { db } from "../db/prisma";
import { highestSeverity } from "../detectors/scan-definition";
import { roleOfTool, type TToolAnnotations } from "../detectors/session-chain";
import { AppError } from "../errors/app-error";
import { ROOM_BRIDGES } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { assertMayAdministerServer } from "../server-admins/administered-servers";
import { diffDefinitions, hashToolDefinition } from "./tool-definition";
import { hasHighFinding, toolFindings } from "./tool-findings";

// The tool inventory: every tool a bridge reported, what an admin decided about
// it, and the definition they approved, pinned by hash. A bridge exposes a tool
// only while it is enabled and its definition still hashes to the pinned one.

type Json = Record<string, unknown>;

/** Tells running bridges to ask again which of their tools they may expose. */
function notifyBridges(): void {
  getIo()?.to(ROOM_BRIDGES).emit("tools:changed");
}

/**
 * Records what one upstream lists now and answers, per tool, whether the bridge
 * may expose it. A tool seen for the first time is pending (or enabled and
 * pinned, when the bridge is set to trust new tools); an enabled tool whose
 * definition no longer matches its pin is quarantined; one whose upstream went
 * back to the pinned definition is enabled again.
 */
/**
 * Runs a compare-and-set step until it applies (it returns null when the row
 * changed under it), or until two bridges creating the same new tool at once
 * have settled which row it is (unique index).
 */
async function withRetries<T>(what: string, step: () => Promise<T | null>): Promise<T> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const result = await step();
      if (result !== null) return result;
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
    }
  }
  throw new AppError("conflict", { message: `${what} kept changing while it was recorded; try again` });
}

export async function reportTools(bridge: { id: string }, report: TToolReport): Promise<TToolVerdict[]> {
  const { newTools } = await db.bridge.findUniqueOrThrow({ where: { id: bridge.id }, select: { newTools: true } });
  const now = new Date();
  const verdicts: TToolVerdict[] = [];
  const names = report.tools.map((t) => t.name);
  for (const definition of report.tools) {
    const definitionHash = hashToolDefinition(definition);
    const where = { server_kind_name: { server: report.server, kind: report.kind, name: definition.name } };
    const seen = {
      definition: definition as Json as object,
      definitionHash,
      instructions: report.instructions ?? null,
      lastSeenAt: now,
      lastBridgeId: bridge.id,
    };
    const verdict = await withRetries(`the tool ${definition.name}`, () =>
      db.$transaction(async (tx) => {
        const existing = await tx.tool.findUnique({ where });
        if (!existing) {
          // A bridge that trusts new tools still does not enable one the detectors flag high: an admin reads it first.
          const findings = toolFindings({ name: definition.name, definition, instructions: report.instructions ?? null }, names);
          const isFlagged = hasHighFinding(findings);
          const isTrusted = newTools === "enabled" && !isFlagged;
          const created = await tx.tool.create({
            data: {
              server: report.server,
              kind: report.kind,
              name: definition.name,
              ...seen,
              status: isTrusted ? "enabled" : "pending",
              pinnedDefinition: isTrusted ? (definition as object) : undefined,
              pinnedHash: isTrusted ? definitionHash : null,
              reviewedBy: isTrusted ? "bridge setting: new tools enabled" : null,
              reviewedAt: isTrusted ? now : null,
            },
          });
          await appendAudit(tx, [
            {
              kind: "tool_discovered",
              bridgeId: bridge.id,
              server: report.server,
              tool: definition.name,
              detail: {
                status: created.status,
                definitionHash,
                ...(findings.length
                  ? { findings: findings.slice(0, 20).map((f) => ({ detector: f.detector, severity: f.severity, location: f.location })) }
                  : {}),
                ...(isFlagged && newTools === "enabled" ? { note: "held for an admin's review: high findings" } : {}),
              },
            },
          ]);
          return created;
        }
        let status = existing.status;
        if (status === "enabled" && existing.pinnedHash !== definitionHash) status = "quarantined";
        else if (status === "quarantined" && existing.pinnedHash === definitionHash) status = "enabled";
        // A report never writes the status it read: an admin may have decided since (the row
        // is not locked under READ COMMITTED), and that decision must not be overwritten.
        if (status === existing.status) return tx.tool.update({ where: { id: existing.id }, data: seen });
        const { count } = await tx.tool.updateMany({
          where: { id: existing.id, status: existing.status, pinnedHash: existing.pinnedHash },
          data: { ...seen, status },
        });
        if (count === 0) return null; // decided meanwhile: look again
        await appendAudit(tx, [
          {
            kind: status === "quarantined" ? "tool_quarantined" : "tool_restored",
            bridgeId: bridge.id,
            server: report.server,
            tool: definition.name,
            detail: { pinnedHash: existing.pinnedHash, definitionHash },
          },
        ]);
        return tx.tool.findUniqueOrThrow({ where: { id: existing.id } });
      }),
    );
    verdicts.push({ name: verdict.name, status: verdict.status, pinnedHash: verdict.pinnedHash, ...tagsOf(verdict) });
  }
  return verdicts;
}

/** An admin's tags as the bridge reads them (absent when none are set). */
function tagsOf(tool: { sourceTag: string | null; sinkTag: boolean | null }): Pick<TToolVerdict, "tags"> {
  const source = TOOL_SOURCES.find((s) => s === tool.sourceTag);
  if (!source && tool.sinkTag === null) return {};
  return { tags: { ...(source ? { source } : {}), ...(tool.sinkTag !== null ? { sink: tool.sinkTag } : {}) } };
}

/**
 * An admin tags a tool for the chain rule: what its results bring into a session
 * (private data, untrusted content) and whether it sends data out. `null` returns
 * a tag to the default (the tool's annotations and name). Audited; bridges re-read.
 */
export async function tagTool({
  id,
  tags,
  actor,
}: {
  id: string;
  tags: { source?: (typeof TOOL_SOURCES)[number] | null; sink?: boolean | null };
  actor: { id: string; email: string };
}) {
  const updated = await db.$transaction(async (tx) => {
    const tool = await tx.tool.findUnique({ where: { id } });
    if (!tool) throw new AppError("not_found", { message: "no such tool" });
    const data = {
      ...(tags.source !== undefined ? { sourceTag: tags.source } : {}),
      ...(tags.sink !== undefined ? { sinkTag: tags.sink } : {}),
    };
    const next = await tx.tool.update({ where: { id }, data });
    await appendAudit(tx, [
      {
        kind: "tool_tagged",
        actorId: actor.id,
        server: tool.server,
        tool: tool.name,
        detail: { from: { source: tool.sourceTag, sink: tool.sinkTag }, to: { source: next.sourceTag, sink: next.sinkTag } },
      },
    ]);
    return next;
  });
  notifyBridges();
  return { id: updated.id, tags: { source: updated.sourceTag, sink: updated.sinkTag }, role: roleOfInventoryTool(updated) };
}

/** What the chain rule takes a tool to do: its tags, else its annotations and name (as the bridge computes it). */
export function roleOfInventoryTool(tool: { server: string; name: string; definition: unknown; sourceTag: string | null; sinkTag: boolean | null }) {
  const definition = tool.definition as { annotations?: TToolAnnotations };
  return roleOfTool({ server: tool.server, tool: tool.name, annotations: definition.annotations, tags: tagsOf(tool).tags });
}

export interface InventoryRow {
  id: string;
  server: string;
  /** "tool", "prompt" or "resource_template". */
  kind: string;
  name: string;
  status: TToolVerdict["status"];
  description: string | null;
  isChanged: boolean;
  firstSeenAt: string;
  lastSeenAt: string;
  lastUsedAt: string | null;
  reviewedBy: string | null;
  /** The most severe detector finding in its definition (or the server's instructions), if any. */
  finding: "low" | "medium" | "high" | null;
  /** Enabled, and not used for the given number of days: a candidate to disable. */
  isUnused: boolean;
  /** The definition as last reported, by hash: what a decision on this row was reviewed against. */
  definitionHash: string;
  /** The server's hints (untrusted claims): only those it declared. */
  annotations: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
}

const HINTS = ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const;

/** The four boolean hints a definition declares; anything else in `annotations` is ignored. */
export function annotationsOf(definition: unknown): InventoryRow["annotations"] {
  const raw = (definition as { annotations?: Record<string, unknown> } | null)?.annotations;
  const out: InventoryRow["annotations"] = {};
  if (!raw || typeof raw !== "object") return out;
  for (const hint of HINTS) if (typeof raw[hint] === "boolean") out[hint] = raw[hint] as boolean;
  return out;
}

/** `servers`: only these servers' tools (a per-server admin's view); "all" or absent: every server's. */
export async function listInventory({ unusedDays = 30, servers = "all" }: { unusedDays?: number; servers?: "all" | string[] } = {}): Promise<InventoryRow[]> {
  const tools = await db.tool.findMany({ where: servers === "all" ? {} : { server: { in: servers } }, orderBy: [{ server: "asc" }, { name: "asc" }] });
  const cutoff = Date.now() - unusedDays * 86_400_000;
  const names = tools.map((t) => t.name);
  return tools.map((t) => ({
    id: t.id,
    server: t.server,
    kind: t.kind,
    name: t.name,
    status: t.status,
    description: typeof (t.definition as Json).description === "string" ? ((t.definition as Json).description as string) : null,
    isChanged: t.pinnedHash !== null && t.pinnedHash !== t.definitionHash,
    firstSeenAt: t.firstSeenAt.toISOString(),
    lastSeenAt: t.lastSeenAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    reviewedBy: t.reviewedBy,
    finding: highestSeverity(toolFindings(t, names)),
    isUnused: t.status === "enabled" && (t.lastUsedAt ?? t.reviewedAt ?? t.firstSeenAt).getTime() < cutoff,
    definitionHash: t.definitionHash,
    annotations: annotationsOf(t.definition),
  }));
}

/** `servers`: a per-server admin's servers; another server's tool is "not found" to them, as if it did not exist. */
export async function getInventoryTool(id: string, servers: "all" | string[] = "all") {
  const tool = await db.tool.findUnique({ where: { id } });
  if (!tool || (servers !== "all" && !servers.includes(tool.server))) throw new AppError("not_found", { message: "no such tool" });
  const others = await db.tool.findMany({ where: { id: { not: id } }, select: { name: true } });
  return {
    ...tool,
    findings: toolFindings(
      tool,
      others.map((o) => o.name),
    ),
    firstSeenAt: tool.firstSeenAt.toISOString(),
    lastSeenAt: tool.lastSeenAt.toISOString(),
    lastUsedAt: tool.lastUsedAt?.toISOString() ?? null,
    reviewedAt: tool.reviewedAt?.toISOString() ?? null,
    changes: diffDefinitions(tool.pinnedDefinition as Json | null, tool.definition as Json),
    role: roleOfInventoryTool(tool),
    defaultRole: roleOfInventoryTool({ ...tool, sourceTag: null, sinkTag: null }),
  };
}

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

interface ToolDecision {
  id: string;
  action: "enable" | "disable";
  definitionHash: string;
  /** The admin read the high findings and enables the tool anyway (recorded in the audit trail). */
  acknowledgeFindings?: boolean;
}

/**
 * One tool's decision inside the caller's transaction: checks, writes, and returns the
 * audit event for the caller to append last. Single and bulk changes both come through here.
 */
async function applyToolDecision(tx: Tx, { id, action, definitionHash, acknowledgeFindings = false }: ToolDecision, actor: ToolActor) {
  const tool = await tx.tool.findUnique({ where: { id } });
  if (!tool) throw new AppError("not_found", { message: "no such tool" });
  // Checked here, for every tool of a batch too: a per-server admin changes only their servers' tools.
  await assertMayAdministerServer(actor, tool.server);
  if (tool.definitionHash !== definitionHash) {
    throw new AppError("conflict", { message: `the definition of ${tool.server} / ${tool.name} changed since you reviewed it; review the new definition` });
  }
  const findings =
    action === "enable"
      ? toolFindings(
          tool,
          (await tx.tool.findMany({ where: { id: { not: id } }, select: { name: true } })).map((o) => o.name),
        )
      : [];
  const flagged = findings.filter((f) => f.severity === "high");
  if (flagged.length && !acknowledgeFindings) {
    throw new AppError("conflict", {
      message: `${tool.server} / ${tool.name} has ${flagged.length} high finding(s) (${flagged[0]!.message}, in ${flagged[0]!.location}); read them, then enable it with acknowledgeFindings: true`,
      details: flagged.map((f) => ({ detector: f.detector, location: f.location, message: f.message })),
    });
  }
  const now = new Date();
  const data =
    action === "enable"
      ? { status: "enabled" as const, pinnedDefinition: tool.definition as object, pinnedHash: tool.definitionHash, reviewedBy: actor.email, reviewedAt: now }
      : { status: "disabled" as const, reviewedBy: actor.email, reviewedAt: now };
  // Compare-and-set: a report that changed the definition or the status since it was read wins, and the admin looks again.
  const { count } = await tx.tool.updateMany({ where: { id, definitionHash, status: tool.status }, data });
  if (count === 0) throw new AppError("conflict", { message: `${tool.server} / ${tool.name} changed while you decided; review it again` });
  const next = await tx.tool.findUniqueOrThrow({ where: { id } });
  const audit: AuditInput = {
    kind: action === "enable" ? (tool.status === "quarantined" ? "tool_definition_approved" : "tool_enabled") : "tool_disabled",
    actorId: actor.id,
    server: tool.server,
    tool: tool.name,
    detail: {
      from: tool.status,
      to: next.status,
      definitionHash: tool.definitionHash,
      previousPinnedHash: tool.pinnedHash,
      ...(flagged.length
        ? { acknowledgedFindings: flagged.map((f) => ({ detector: f.detector, version: f.version, location: f.location, message: f.message })) }
        : {}),
    },
  };
  return { next, audit };
}

/**
 * An admin enables (pinning the definition they reviewed) or disables a tool.
 * `definitionHash` is the hash of the definition the admin looked at: if the
 * upstream changed it since, nothing is saved (409) and they must look again.
 */
/** Who changes a tool: an admin, or a reviewer who administers its server. */
export type ToolActor = { id: string; email: string; role: string };

export async function decideTool({ actor, ...decision }: ToolDecision & { actor: ToolActor }) {
  const updated = await db.$transaction(async (tx) => {
    const { next, audit } = await applyToolDecision(tx, decision, actor);
    await appendAudit(tx, [audit]);
    return next;
  });
  notifyBridges();
  return { id: updated.id, status: updated.status, pinnedHash: updated.pinnedHash };
}

/**
 * Several tools at once, all or nothing: each goes through the same checks as a single
 * change (the definition the admin saw, findings, compare-and-set), in one transaction;
 * the first refusal rolls every change back. One audit event per tool (plus the batch's size).
 */
export async function decideTools({ decisions, actor }: { decisions: ToolDecision[]; actor: ToolActor }) {
  const ids = new Set(decisions.map((d) => d.id));
  if (ids.size !== decisions.length) throw new AppError("invalid_input", { message: "a tool is named twice in the batch" });
  const updated = await db.$transaction(async (tx) => {
    const results = [];
    const audits: AuditInput[] = [];
    for (const decision of decisions) {
      const { next, audit } = await applyToolDecision(tx, decision, actor);
      results.push(next);
      audits.push({ ...audit, detail: { ...(audit.detail as object), batch: decisions.length } });
    }
    await appendAudit(tx, audits);
    return results;
  });
  notifyBridges();
  return updated.map((t) => ({ id: t.id, status: t.status, pinnedHash: t.pinnedHash }));
}

/** Remembers when enabled tools were last called, from a bridge's audit batch (for "unused" candidates). */
export async function markToolsUsed(events: { kind: string; server?: string; tool?: string; at: string }[]): Promise<void> {
  const latest = new Map<string, { server: string; name: string; at: Date }>();
  for (const e of events) {
    if (!e.server || !e.tool || !["allowed", "held"].includes(e.kind)) continue;
    // The bridge prefixes names when it serves several upstreams: the inventory keeps the upstream's own.
    const prefix = `${e.server}__`;
    const name = e.tool.startsWith(prefix) ? e.tool.slice(prefix.length) : e.tool;
    const key = `${e.server}\u0000${name}`;
    const at = new Date(e.at);
    if (!latest.has(key) || latest.get(key)!.at < at) latest.set(key, { server: e.server, name, at });
  }
  for (const { server, name, at } of latest.values()) {
    await db.tool.updateMany({ where: { server, kind: "tool", name, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: at } }] }, data: { lastUsedAt: at } });
  }
}

/** Whether tools a bridge reports for the first time start enabled (trusted) or disabled (the default). */
export async function setBridgeNewTools(bridgeId: string, newTools: "enabled" | "disabled", actorId?: string) {
  return db.$transaction(async (tx) => {
    const bridge = await tx.bridge.findUnique({ where: { id: bridgeId } });
    if (!bridge) throw new AppError("not_found", { message: "no such bridge" });
    const updated = await tx.bridge.update({ where: { id: bridgeId }, data: { newTools }, select: { id: true, name: true, newTools: true } });
    // Turning inventory review off for a bridge widens what reaches the model: it is on the record with who did it.
    await appendAudit(tx, [
      { kind: "bridge_updated", bridgeId, actorId: actorId ?? null, detail: { setting: "newTools", from: bridge.newTools, to: newTools } },
    ]);
    return updated;
  });
}
