import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { TInventoryKind, TToolVerdict } from "../lib/bridge-api/bridge-api.types";
import { hashToolDefinition } from "../lib/tools/tool-definition";
import type { DashboardClient } from "./dashboard-client";
import { log } from "./log";

/** Whether the bridge may expose a tool, and if not, what the model is told. */
export interface Admission {
  isAdmitted: boolean;
  note?: string;
  /** An admin's source/sink tags for the chain rule. */
  tags?: TToolVerdict["tags"];
}

const NOTES: Record<Exclude<TToolVerdict["status"], "enabled">, string> = {
  pending: "is new and not enabled yet: an admin must review and enable it in the Airlock tool inventory",
  disabled: "was disabled by an Airlock admin",
  quarantined: "is quarantined: its definition changed since an admin approved it, and an admin must review the change",
};

/** The verdict for one tool, checked against the definition the bridge holds now (never trusting a stale answer). */
export function admissionOf(verdict: TToolVerdict | undefined, definition: object): Admission {
  if (!verdict) return { isAdmitted: false, note: "is not in the Airlock tool inventory yet" };
  if (verdict.status !== "enabled") return { isAdmitted: false, note: NOTES[verdict.status] };
  if (verdict.pinnedHash !== hashToolDefinition(definition)) return { isAdmitted: false, note: NOTES.quarantined };
  return { isAdmitted: true, ...(verdict.tags ? { tags: verdict.tags } : {}) };
}

/**
 * Asks the dashboard which of an upstream's tools may reach the model. New
 * tools are disabled until an admin enables them; a definition that differs
 * from the pinned one is refused whatever the dashboard last said. When the
 * dashboard cannot be asked, no tool is admitted (fail closed). Answers are
 * cached per upstream and tool set, and dropped when an admin changes the
 * inventory (`tools:changed`) or the socket reconnects.
 */
export class ToolAdmission {
  private readonly cache = new Map<string, { key: string; verdicts: Map<string, TToolVerdict> }>();
  private readonly listeners = new Set<() => void>();
  /** Bumped on every invalidation: an answer asked for before it is stale and is asked again. */
  private generation = 0;

  constructor(private readonly dashboard: DashboardClient) {
    const invalidate = () => {
      this.generation++;
      this.cache.clear();
      for (const listener of this.listeners) listener();
    };
    dashboard.socket.on("tools:changed", invalidate);
    dashboard.socket.on("connect", invalidate);
  }

  /** Called when verdicts may have changed: sessions review their tools again. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * The verdicts for what one upstream lists now: its tools, or (`kind`) its prompts or
   * resource templates, which join the inventory the same way (a template's name is its URI template).
   */
  async review(
    server: string,
    instructions: string | undefined,
    tools: (Tool | { name: string; [key: string]: unknown })[],
    kind: TInventoryKind = "tool",
  ): Promise<Map<string, Admission>> {
    const key = JSON.stringify([instructions ?? "", ...tools.map((t) => hashToolDefinition(t)).sort()]);
    const slot = kind === "tool" ? server : `${kind}\u0000${server}`;
    let verdicts = this.cache.get(slot)?.key === key ? this.cache.get(slot)!.verdicts : undefined;
    // Two admin decisions in quick succession start two reviews; the answer to the
    // first may arrive last. Only an answer asked for after the latest change counts.
    for (let attempt = 0; !verdicts; attempt++) {
      const asked = this.generation;
      try {
        const answer = await this.dashboard.reportTools({ server, instructions, kind, tools: tools as { name: string }[] });
        if (asked !== this.generation && attempt < 5) continue;
        verdicts = new Map(answer.map((v) => [v.name, v]));
        if (asked === this.generation) this.cache.set(slot, { key, verdicts });
      } catch (error) {
        log(`cannot check the tools of ${server} with the dashboard; none is exposed until it answers`, error);
        const note = `cannot be checked against the Airlock tool inventory (${(error as Error).message})`;
        return new Map(tools.map((t) => [t.name, { isAdmitted: false, note }]));
      }
    }
    return new Map(tools.map((t) => [t.name, admissionOf(verdicts.get(t.name), t)]));
  }
}
