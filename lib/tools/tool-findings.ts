import type { TFinding } from "../detectors/detector.types";
import { highestSeverity, scanFields, scanToolDefinition } from "../detectors/scan-definition";

/**
 * What the definition detectors find in a tool as its server lists it now, and
 * in the server's instructions. Computed from the stored definition whenever it
 * is read (the detectors are pure and take well under a millisecond per tool),
 * so a new detector version applies to every tool at once.
 */
export function toolFindings(tool: { name: string; definition: unknown; instructions: string | null }, otherTools: readonly string[] = []): TFinding[] {
  const findings = scanToolDefinition(tool.definition as Record<string, unknown>, { subject: tool.name, otherTools });
  const instructions = tool.instructions ? scanFields([{ location: "instructions", text: tool.instructions }], { otherTools }) : [];
  return [...findings, ...instructions];
}

export const hasHighFinding = (findings: readonly TFinding[]) => highestSeverity(findings) === "high";
