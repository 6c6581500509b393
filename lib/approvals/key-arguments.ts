/**
 * The few arguments that say what a call does, for a queue row: paths, URLs
 * and recipients first (where it acts and whom it reaches), then the rest in
 * the agent's order. Values are shortened for one line; multi-line text keeps
 * its first line and says how many follow.
 */
export interface KeyArgument {
  name: string;
  value: string;
}

const WHERE_AND_WHOM =
  /(^|_|-|\b)(path|paths|file|files|filename|dir|directory|dest|destination|source|target|url|uri|href|endpoint|host|to|cc|bcc|recipient|recipients|email|address|channel|repo|repository|bucket|table|query|command|cmd)s?$/i;

function preview(value: unknown, max: number): string {
  if (typeof value === "string") {
    const lines = value.split(/\r\n|\r|\n/);
    const first = lines[0]!.length > max ? `${lines[0]!.slice(0, max - 1)}…` : lines[0]!;
    return lines.length > 1 ? `${first} (+${lines.length - 1} line${lines.length > 2 ? "s" : ""})` : first;
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, 3).map((v) => preview(v, 40));
    return `[${items.join(", ")}${value.length > 3 ? `, +${value.length - 3}` : ""}]`;
  }
  if (value && typeof value === "object") return `{${Object.keys(value).length} fields}`;
  return String(value);
}

export function keyArguments(args: Record<string, unknown> | null | undefined, limit = 3, max = 80): KeyArgument[] {
  if (!args || typeof args !== "object") return [];
  const names = Object.keys(args);
  const ordered = [...names.filter((n) => WHERE_AND_WHOM.test(n)), ...names.filter((n) => !WHERE_AND_WHOM.test(n))];
  return ordered.slice(0, limit).map((name) => ({ name, value: preview(args[name], max) }));
}
