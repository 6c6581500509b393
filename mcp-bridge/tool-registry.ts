import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { TToolTags } from "../lib/detectors/session-chain";
import { type ArgumentsCheck, compileArgumentsCheck } from "./schema-validator";
import type { Admission } from "./tool-admission";

export interface RegisteredTool {
  /** The name the client sees (prefixed `server__tool` when several upstreams are aggregated). */
  exposedName: string;
  upstream: string;
  /** The name the upstream knows. */
  originalName: string;
  definition: Tool;
  /** The inputSchema compiled once, when the definition was loaded. */
  checkArguments: ArgumentsCheck;
  /** The tool inventory's verdict (absent without a dashboard: a local policy file has no inventory). */
  admission?: Admission;
  /** An admin's source/sink tags from the inventory; absent fields default from the annotations and the name. */
  tags?: TToolTags;
}

export const SEPARATOR = "__";

/** Which upstream serves which tool, under which name, with which definition. */
export class ToolRegistry {
  private tools = new Map<string, RegisteredTool>();

  /** @param isPrefixed true when several upstreams are aggregated (DESIGN.md: one upstream keeps its names). */
  constructor(private readonly isPrefixed: boolean) {}

  exposedName(upstream: string, tool: string): string {
    return this.isPrefixed ? `${upstream}${SEPARATOR}${tool}` : tool;
  }

  /** Replaces one upstream's tools (at start and when it announces a changed list). */
  setUpstreamTools(upstream: string, tools: Tool[], admissions?: Map<string, Admission>): void {
    for (const [name, entry] of this.tools) if (entry.upstream === upstream) this.tools.delete(name);
    for (const definition of tools) {
      const exposedName = this.exposedName(upstream, definition.name);
      this.tools.set(exposedName, {
        exposedName,
        upstream,
        originalName: definition.name,
        definition,
        checkArguments: compileArgumentsCheck(definition.inputSchema),
        admission: admissions ? (admissions.get(definition.name) ?? { isAdmitted: false, note: "was not reviewed" }) : undefined,
        tags: admissions?.get(definition.name)?.tags,
      });
    }
  }

  get(exposedName: string): RegisteredTool | undefined {
    return this.tools.get(exposedName);
  }

  entries(): RegisteredTool[] {
    return [...this.tools.values()];
  }

  /** The definitions as the client sees them: unchanged except for the (possibly prefixed) name. */
  /** The names clients see. */
  names(): string[] {
    return [...this.tools.keys()];
  }

  list(): Tool[] {
    return [...this.tools.values()].map((t) => ({ ...t.definition, name: t.exposedName }));
  }
}
