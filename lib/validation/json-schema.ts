import { Ajv, type ValidateFunction } from "ajv";

// One Ajv instance; compiled validators are cached by schema text because the
// same tool definition is checked many times.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const cache = new Map<string, ValidateFunction>();

export interface SchemaCheck {
  ok: boolean;
  /** One line per problem, e.g. `/path must be string`. */
  errors: string[];
}

/** Checks a value against a tool's JSON Schema (`inputSchema`). A schema that does not compile fails the check. */
export function checkAgainstSchema(schema: Record<string, unknown>, value: unknown): SchemaCheck {
  const key = JSON.stringify(schema);
  let validate = cache.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      return { ok: false, errors: [`the tool's inputSchema is not a valid JSON Schema: ${(error as Error).message}`] };
    }
    cache.set(key, validate);
  }
  if (validate(value)) return { ok: true, errors: [] };
  return {
    ok: false,
    errors: (validate.errors ?? []).map((e) => `${e.instancePath || "(arguments)"} ${e.message ?? "is invalid"}`),
  };
}
