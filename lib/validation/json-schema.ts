import { Ajv, type ValidateFunction } from "ajv";

// One Ajv instance. Validators are cached by schema object (the bridge's hot path
// checks the same definition object on every call) and by schema text.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const byObject = new WeakMap<object, ValidateFunction>();
const byText = new Map<string, ValidateFunction>();

export interface SchemaCheck {
  ok: boolean;
  /** One line per problem, e.g. `/path must be string`. */
  errors: string[];
}

function compile(schema: Record<string, unknown>): ValidateFunction {
  let validate = byObject.get(schema);
  if (validate) return validate;
  const key = JSON.stringify(schema);
  validate = byText.get(key) ?? ajv.compile(schema);
  byText.set(key, validate);
  byObject.set(schema, validate);
  return validate;
}

/** Checks a value against a tool's JSON Schema (`inputSchema`). A schema that does not compile fails the check. */
export function checkAgainstSchema(schema: Record<string, unknown>, value: unknown): SchemaCheck {
  let validate: ValidateFunction;
  try {
    validate = compile(schema);
  } catch (error) {
    return { ok: false, errors: [`the tool's inputSchema is not a valid JSON Schema: ${(error as Error).message}`] };
  }
  if (validate(value)) return { ok: true, errors: [] };
  return {
    ok: false,
    errors: (validate.errors ?? []).map((e) => `${e.instancePath || "(arguments)"} ${e.message ?? "is invalid"}`),
  };
}
