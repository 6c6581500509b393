import { z } from "zod";
import { db } from "../db/prisma";
import { evaluatePolicy, explainPolicy } from "../policy/evaluate";
import type { PolicyCall, TPolicy } from "../policy/policy.types";
import { loadPolicy } from "./policy-versions";

// What a candidate policy would do, before anyone saves it: one call explained
// (the test panel), or the last N recorded calls replayed (the dry run).

/** A call to test, as an admin pastes it or picks it from the audit trail. */
export const ZTestCall = z
  .object({
    server: z.string().min(1).max(200),
    tool: z.string().min(1).max(300),
    args: z.record(z.string(), z.unknown()).default({}),
    annotations: z.record(z.string(), z.unknown()).optional(),
    bridge: z.string().max(100).default(""),
    principal: z.string().max(300).default(""),
  })
  .strict();
export type TTestCall = z.infer<typeof ZTestCall>;

export function testCall(policy: TPolicy, call: TTestCall) {
  const { decision, trace } = explainPolicy(policy, { ...call, session: { id: "test", client: "test panel" } });
  return { action: decision.action, rule: decision.rule?.name ?? null, reason: decision.reason, trace };
}

/** The upstream's name for a tool the bridge may have prefixed (`server__tool`). */
const upstreamName = (server: string, tool: string) => (tool.startsWith(`${server}__`) ? tool.slice(server.length + 2) : tool);

export interface DryRunChange {
  eventId: string;
  at: string;
  server: string;
  tool: string;
  principal: string | null;
  before: { action: string; rule: string | null };
  after: { action: string; rule: string | null; reason: string };
}

/**
 * Replays the last `limit` tool calls the bridges recorded (with their stored,
 * redacted arguments and the tools' annotations from the inventory) through the
 * current policy and the candidate, and lists the calls whose outcome changes.
 */
export async function dryRunPolicy(candidate: TPolicy, { limit = 500 }: { limit?: number } = {}) {
  const current = await loadPolicy();
  const events = await db.auditEvent.findMany({
    where: { kind: { in: ["allowed", "denied", "held"] }, server: { not: null }, tool: { not: null } },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, createdAt: true, server: true, tool: true, arguments: true, principal: true, sessionId: true, bridge: { select: { name: true } } },
  });
  const tools = await db.tool.findMany({ select: { server: true, name: true, definition: true } });
  const annotations = new Map(tools.map((t) => [`${t.server}\u0000${t.name}`, (t.definition as { annotations?: Record<string, unknown> }).annotations]));

  let skipped = 0;
  const changes: DryRunChange[] = [];
  for (const e of events) {
    const args = e.arguments as Record<string, unknown> | null;
    if (!args || "airlock/omitted" in args) {
      skipped++;
      continue;
    }
    const call: PolicyCall = {
      server: e.server!,
      tool: e.tool!,
      args,
      annotations: annotations.get(`${e.server}\u0000${upstreamName(e.server!, e.tool!)}`),
      bridge: e.bridge?.name ?? "",
      principal: e.principal ?? "",
      session: { id: e.sessionId ?? "", client: "" },
    };
    const before = evaluatePolicy(current, call);
    const after = evaluatePolicy(candidate, call);
    if (before.action === after.action && before.rule?.name === after.rule?.name) continue;
    changes.push({
      eventId: e.id,
      at: e.createdAt.toISOString(),
      server: call.server,
      tool: call.tool,
      principal: e.principal,
      before: { action: before.action, rule: before.rule?.name ?? null },
      after: { action: after.action, rule: after.rule?.name ?? null, reason: after.reason },
    });
  }
  return { evaluated: events.length - skipped, skipped, changed: changes.filter((c) => c.before.action !== c.after.action).length, changes };
}
