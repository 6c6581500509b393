import { Ajv, type Options, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";

// Arguments are checked against each tool's inputSchema before the policy sees them.
// Tools declare different JSON Schema dialects: MCP's default (2020-12), draft-07
// (what zod-to-json-schema emits) and 2019-09. Ajv needs one instance per dialect.

const OPTIONS: Options = {
  strict: false,
  allErrors: true,
  // Formats are not checked: an unknown format must not make a tool unusable.
  validateFormats: false,
  // A tool's $id must not collide with another tool's $id in the shared instance.
  addUsedSchema: false,
  // Never mutate the arguments: what is validated is what is hashed, decided and forwarded.
  useDefaults: false,
  coerceTypes: false,
  removeAdditional: false,
};

const draft07 = new Ajv(OPTIONS);
const draft2019 = new Ajv2019(OPTIONS);
const draft2020 = new Ajv2020(OPTIONS);
const MAX_PROBLEMS = 8;

/** Returns the problems with a set of arguments; an empty list means they are valid. */
export type ArgumentsCheck = (args: unknown) => string[];

/** Which Ajv instances to try, in order, for a schema's declared dialect. */
function candidates(schema: Record<string, unknown>) {
  const dialect = typeof schema.$schema === "string" ? schema.$schema : "";
  if (dialect.includes("2020-12")) return [draft2020];
  if (dialect.includes("2019-09")) return [draft2019];
  if (/draft-0[67]/.test(dialect)) return [draft07];
  // No (or an unknown) dialect: MCP says 2020-12; older servers often meant draft-07.
  return [draft2020, draft07];
}

/**
 * Compiles a tool's inputSchema once (when the tool list is loaded, not per
 * call). A schema that cannot be compiled yields a check that always fails: the
 * bridge cannot vouch for arguments it cannot check, so such a tool fails closed.
 */
export function compileArgumentsCheck(inputSchema: unknown): ArgumentsCheck {
  if (!inputSchema || typeof inputSchema !== "object" || Array.isArray(inputSchema)) {
    return () => ["the tool declares no valid inputSchema"];
  }
  const schema = inputSchema as Record<string, unknown>;
  const tried = candidates(schema);
  // An unknown dialect URI would make Ajv look for a meta-schema it does not have.
  const { $schema: _dialect, ...withoutDialect } = schema;
  const body = tried.length > 1 ? withoutDialect : schema;
  let lastError: unknown;
  for (const ajv of tried) {
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(body);
    } catch (error) {
      lastError = error;
      continue;
    }
    return (args) => {
      if (validate(args)) return [];
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath || "(arguments)"} ${e.message ?? "is invalid"}`);
      return problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `and ${problems.length - MAX_PROBLEMS} more`] : problems;
    };
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  return () => [`the tool's inputSchema cannot be compiled, so its arguments cannot be checked (${reason})`];
}
