import { Environment } from "@marcbachmann/cel-js";

// The variables a rule's `when` expression can read (DESIGN.md):
//   args       the call's arguments (map)
//   tool       { name, server, annotations, role: { private, untrusted, sink } } (map)
//   server     the upstream's name (string)
//   session    { id, client, private, untrusted, tainted } (map): what the session took in so far
//   principal  the human the agent acts for, "" when unknown (string)
//   signals    { args, result } (map): each { injection, secret, pii, sensitive_path, hidden_text,
//              encoded_payload, any } true at medium or above, and `severity` with each kind's highest
const env = new Environment({ unlistedVariablesAreDyn: false, limits: { maxAstNodes: 2000, maxDepth: 50 } })
  .registerVariable("args", "map")
  .registerVariable("tool", "map")
  .registerVariable("server", "string")
  .registerVariable("session", "map")
  .registerVariable("principal", "string")
  .registerVariable("signals", "map");

export interface CelContext {
  args: Record<string, unknown>;
  tool: Record<string, unknown>;
  server: string;
  session: Record<string, unknown>;
  principal: string;
  signals: object;
}

type Compiled = (context: CelContext) => unknown;
const cache = new Map<string, Compiled>();

/** Compiles and type-checks an expression; throws with the library's message, which points at the position. */
export function compileCel(expression: string): Compiled {
  let compiled = cache.get(expression);
  if (compiled) return compiled;
  const parsed = env.parse(expression);
  const check = parsed.check();
  if (!check.valid) throw new Error(check.error?.message ?? "invalid expression");
  if (check.type !== "bool" && check.type !== "dyn") throw new Error(`the expression must be a condition (bool), not ${check.type}`);
  compiled = parsed as unknown as Compiled;
  cache.set(expression, compiled);
  return compiled;
}

/** The expression's message for a human: "position" lines kept, trailing blank lines dropped. */
export function celErrorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}

/**
 * Evaluates a condition. Anything but `true` is false; an evaluation error
 * (a missing key, a wrong type) is reported to the caller, which fails closed.
 */
export function evaluateCel(expression: string, context: CelContext): { value: boolean; error?: string } {
  try {
    return { value: compileCel(expression)(context) === true };
  } catch (error) {
    return { value: false, error: celErrorMessage(error) };
  }
}
