import type { TTextField } from "./detector.types";

/** Text longer than this is scanned in its first part only (a finding says so). */
export const MAX_FIELD_CHARS = 64 * 1024;
const MAX_DEPTH = 12;
const MAX_FIELDS = 2_000;

/**
 * Every piece of text in a tool (or prompt, or resource template) definition that reaches the model: name, title,
 * description, and anywhere in the input and output schemas (property names,
 * titles, descriptions, defaults, enums, examples, constants). Attacks hide in
 * all of them, not only in the top-level description.
 */
export function definitionFields(definition: Record<string, unknown>): TTextField[] {
  const fields: TTextField[] = [];
  const push = (location: string, value: unknown) => {
    if (typeof value === "string" && value.length && fields.length < MAX_FIELDS) fields.push({ location, text: value });
  };
  push("name", definition.name);
  push("title", definition.title);
  push("description", definition.description);
  // A resource template's URI and name; a prompt's arguments.
  push("uriTemplate", definition.uriTemplate);
  if (Array.isArray(definition.arguments)) {
    definition.arguments.slice(0, 200).forEach((argument, i) => {
      if (!argument || typeof argument !== "object") return;
      const a = argument as Record<string, unknown>;
      push(`arguments.${i}.name#name`, a.name);
      push(`arguments.${i}.title`, a.title);
      push(`arguments.${i}.description`, a.description);
    });
  }
  const annotations = definition.annotations as Record<string, unknown> | undefined;
  push("annotations.title", annotations?.title);
  walkSchema("inputSchema", definition.inputSchema, push, 0);
  walkSchema("outputSchema", definition.outputSchema, push, 0);
  return fields;
}

function walkSchema(path: string, schema: unknown, push: (location: string, value: unknown) => void, depth: number): void {
  if (!schema || typeof schema !== "object" || depth > MAX_DEPTH) return;
  if (Array.isArray(schema)) {
    schema.forEach((item, i) => {
      // Enum values and examples are text the model reads.
      if (typeof item === "string") push(`${path}.${i}`, item);
      else walkSchema(`${path}.${i}`, item, push, depth + 1);
    });
    return;
  }
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    const at = `${path}.${key}`;
    if (typeof value === "string") push(at, value);
    else if (key === "properties" && value && typeof value === "object") {
      for (const [name, property] of Object.entries(value as Record<string, unknown>)) {
        // A property's name is text the model reads too ("system_prompt", "conversation_history").
        push(`${at}.${name}#name`, name);
        walkSchema(`${at}.${name}`, property, push, depth + 1);
      }
    } else walkSchema(at, value, push, depth + 1);
  }
}
