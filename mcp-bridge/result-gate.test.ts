import { describe, expect, it } from "vitest";
import type { TFinding } from "../lib/detectors/detector.types";
import { scanResult } from "../lib/detectors/scan-content";
import { redactResult } from "./result-gate";

const finding = (
  location: string,
  start: number,
  end: number,
  detector = "secrets",
  severity: TFinding["severity"] = "high",
  extra: Partial<TFinding> = {},
): TFinding => ({
  detector,
  version: 1,
  severity,
  message: "m",
  location,
  evidence: { text: "", start, end },
  ...extra,
});
const text = (t: string) => ({ content: [{ type: "text" as const, text: t }] });

describe("redacting a result", () => {
  it("masks what the secret detector finds in a real result", () => {
    const token = ["ghp", "4f8Kq2Lm9Xz7Rt1Vb6Nc3Yw5Pa0Sd8Gh2Jk4"].join("_");
    const result = text(`deploy with ${token} today`);
    const { result: out, count } = redactResult(result, scanResult(result));
    expect(count).toBe(1);
    expect(out.content[0]).toEqual({ type: "text", text: "deploy with [REDACTED] today" });
  });

  it("merges overlapping spans instead of corrupting the text", () => {
    const { result } = redactResult(text("0123456789abcdef"), [finding("content.0.text", 2, 8), finding("content.0.text", 5, 12, "pii")]);
    expect(result.content[0]).toEqual({ type: "text", text: "01[REDACTED]cdef" });
  });

  it("masks the contacts inside a bulk finding, not the text between them, and leaves low findings alone", () => {
    const list = `Team: ${Array.from({ length: 12 }, (_, i) => `p${i}@corp.example`).join(", ")} and a long tail of prose ${"x".repeat(500)}`;
    const { result } = redactResult(text(list), [
      finding("content.0.text", 6, list.length, "pii", "medium", { isBulkList: true }),
      finding("content.0.text", 0, 4, "secrets", "low"),
    ]);
    const out = (result.content[0] as { text: string }).text;
    expect(out.startsWith("Team: [REDACTED], [REDACTED]")).toBe(true);
    expect(out).toContain("and a long tail of prose");
    expect(out).not.toContain("@corp.example");
  });

  it("masks the contacts of a real bulk list the PII detector found", () => {
    const list = `Team:\n${Array.from({ length: 12 }, (_, i) => `Person ${i} <p${i}@corp.example>`).join("\n")}`;
    const result = text(list);
    const { result: out, count } = redactResult(result, scanResult(result));
    expect(count).toBe(12);
    expect((out.content[0] as { text: string }).text).toContain("Person 3 <[REDACTED]>");
  });

  it("masks a long secret whole: a PEM private key block is no contact list", () => {
    const body = Array.from({ length: 20 }, (_, i) => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC${i}x7Yq`).join("\n");
    const [begin, end] = ["BEGIN", "END"].map((word) => ["-----", word, " PRIVATE KEY-----"].join(""));
    const pem = `${begin}\n${body}\n${end}`;
    expect(pem.length).toBeGreaterThan(512);
    const result = text(`key:\n${pem}\nthanks`);
    const { result: out, count } = redactResult(result, scanResult(result));
    expect(count).toBe(1);
    expect(out.content[0]).toEqual({ type: "text", text: "key:\n[REDACTED]\nthanks" });
  });

  it("masks any long span whole unless the detector marked it a bulk contact list", () => {
    const long = `secret ${"s".repeat(600)} end`;
    const { result, count } = redactResult(text(long), [finding("content.0.text", 7, 607)]);
    expect(count).toBe(1);
    expect((result.content[0] as { text: string }).text).toBe("secret [REDACTED] end");
  });

  it("masks what is found in a resource link's name, title and description, and withholds a link whose URI carries it", () => {
    const token = ["ghp", "4f8Kq2Lm9Xz7Rt1Vb6Nc3Yw5Pa0Sd8Gh2Jk4"].join("_");
    const link = { type: "resource_link" as const, uri: "file:///notes.md", name: `notes ${token}`, title: `title ${token}`, description: `token: ${token}` };
    const result = { content: [link, { type: "resource_link" as const, uri: `https://files.example/a?token=${token}`, name: "a" }] };
    const { result: out, count } = redactResult(result, scanResult(result));
    expect(count).toBe(4);
    expect(out.content[0]).toEqual({ ...link, name: "notes [REDACTED]", title: "title [REDACTED]", description: "token: [REDACTED]" });
    expect(out.content[1]).toEqual({ type: "text", text: "[a resource link with secrets or personal data was withheld by Airlock]" });
    expect(JSON.stringify(out)).not.toContain(token);
  });

  it("withholds the unscanned tail of a text too long to scan whole, and structured content with a hit", () => {
    const { result } = redactResult({ content: [{ type: "text", text: "a".repeat(100) }], structuredContent: { key: "x" } }, [
      finding("content.0.text", 60, 100, "scan-limits", "low"),
      finding("structuredContent.key", 0, 1),
    ]);
    expect((result.content[0] as { text: string }).text).toBe(`${"a".repeat(60)} [… 40 more characters were not scanned and are withheld by Airlock]`);
    expect(result.structuredContent).toBeUndefined();
  });
});
