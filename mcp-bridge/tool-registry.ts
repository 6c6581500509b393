import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { checkAgainstSchema } from "../lib/validation/json-schema";

export interface RegisteredTool {
  /** The name the client sees (prefixed `server__tool` when several upstreams are aggregated). */
  exposedName: string;
  upstream: string;
  /** The name the upstream knows. */
  originalName: string;
  definition: Tool;
}

export const SEPARATOR = "__";

/** Which upstream serves which tool, under which name, with which definition. */
export class ToolRegistry {
  private tools = new Map<string, RegisteredTool>();

  constructor(private readonly isPrefixed: boolean) {}

  exposedName(upstream: string, tool: string): string {
    return this.isPrefixed ? `${upstream}${SEPARATOR}${tool}` : tool;
  }

  /** Replaces one upstream's tools; returns the definitions as the client should see them. */
  setUpstreamTools(upstream: string, tools: Tool[]): void {
    for (const [name, entry] of this.tools) if (entry.upstream === upstream) this.tools.delete(name);
    for (const definition of tools) {
      const exposedName = this.exposedName(upstream, definition.name);
      this.tools.set(exposedName, { exposedName, upstream, originalName: definition.name, definition });
    }
  }

  get(exposedName: string): RegisteredTool | undefined {
    return this.tools.get(exposedName);
  }

  list(): Tool[] {
    return [...this.tools.values()].map((t) => ({ ...t.definition, name: t.exposedName }));
  }

  /** Checks arguments against the tool's inputSchema (validators are compiled once and cached). */
  validate(tool: RegisteredTool, args: Record<string, unknown>): string[] {
    const check = checkAgainstSchema(tool.definition.inputSchema as Record<string, unknown>, args);
    return check.errors;
  }
}
