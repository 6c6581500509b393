import { describe, expect, it } from "vitest";
import { histogramCount, parsePrometheusText, sampleValue } from "./prometheus";

describe("parsePrometheusText", () => {
  it("reads families, escaped label values and histogram samples", () => {
    const families = parsePrometheusText(
      [
        "# HELP a_total Things.",
        "# TYPE a_total counter",
        'a_total{path="C:\\\\DIR",msg="say \\"hi\\"\\n"} 3',
        "a_total 1 1395066363000",
        "# TYPE h_seconds histogram",
        'h_seconds_bucket{le="1",server="fs"} 1',
        'h_seconds_bucket{le="+Inf",server="fs"} 2',
        'h_seconds_sum{server="fs"} 2.5',
        'h_seconds_count{server="fs"} 2',
        "",
      ].join("\n"),
    );
    expect(sampleValue(families, "a_total", "counter", { path: "C:\\DIR", msg: 'say "hi"\n' })).toBe(3);
    expect(sampleValue(families, "a_total", "counter")).toBe(1);
    expect(families.get("a_total")?.help).toBe("Things.");
    expect(histogramCount(families, "h_seconds", { server: "fs" })).toBe(2);
    expect(() => sampleValue(families, "h_seconds", "counter")).toThrow(/histogram, not a counter/);
  });

  it.each([
    ["a sample without a TYPE line", "x 1"],
    ["a bad value", "# TYPE x gauge\nx one"],
    ["an unterminated label value", '# TYPE x gauge\nx{a="b} 1'],
    ["a bad escape", '# TYPE x gauge\nx{a="\\t"} 1'],
    ["trailing garbage", "# TYPE x gauge\nx 1 2 3"],
  ])("refuses %s", (_name, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
