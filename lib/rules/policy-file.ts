import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { type TPolicy, ZPolicy } from "../policy/policy.types";

/** The policy-file form (DESIGN.md): `default` and `rules`, YAML or JSON. */
export function formatPolicyFile(policy: TPolicy, format: "yaml" | "json" = "yaml"): string {
  const { version, ...body } = policy;
  if (format === "json") return `${JSON.stringify(body, null, 2)}\n`;
  return `# Airlock policy${version ? ` (version ${version})` : ""}. Apply with: airlock rules apply -f FILE\n${stringifyYaml(body)}`;
}

/** Parses and validates a policy file; the error names the first bad field by its path. */
export function parsePolicyFile(text: string, name = "policy file"): TPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new Error(`${name} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  const result = ZPolicy.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`${name} is invalid:\n${lines.join("\n")}`);
  }
  return result.data;
}
