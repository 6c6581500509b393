// The bridge's stdout is the MCP channel: every diagnostic goes to stderr.
export function log(message: string, error?: unknown): void {
  const detail = error === undefined ? "" : `: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`[airlock-bridge] ${message}${detail}\n`);
}
