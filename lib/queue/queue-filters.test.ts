import { describe, expect, it } from "vitest";
import type { ApprovalSummary } from "../realtime/events";
import { applyQueueFilters, parseQueueFilters, queueFilterOptions } from "./queue-filters";

const row = (id: string, fields: Partial<ApprovalSummary>) =>
  ({ id, server: "fs", tool: "write_file", bridgeName: "laptop", principal: null, ruleName: null, ...fields }) as ApprovalSummary;

describe("queue filters", () => {
  const items = [
    row("1", { server: "fs", principal: "rita@x.test", ruleName: "hold writes" }),
    row("2", { server: "mail", tool: "send_email", principal: "sam@x.test" }),
    row("3", { server: "fs", bridgeName: "ci", ruleName: "hold writes" }),
  ];

  it("narrows by every set filter at once", () => {
    expect(applyQueueFilters(items, { server: "fs" }).map((a) => a.id)).toEqual(["1", "3"]);
    expect(applyQueueFilters(items, { server: "fs", bridge: "ci" }).map((a) => a.id)).toEqual(["3"]);
    expect(applyQueueFilters(items, { rule: "(policy default)" }).map((a) => a.id)).toEqual(["2"]);
    expect(applyQueueFilters(items, { principal: "(none)" }).map((a) => a.id)).toEqual(["3"]);
    expect(applyQueueFilters(items, {})).toBe(items);
  });

  it("offers each value with its count", () => {
    const options = queueFilterOptions(items);
    expect(options.server).toEqual([
      ["fs", 2],
      ["mail", 1],
    ]);
    expect(options.principal).toEqual([
      ["(none)", 1],
      ["rita@x.test", 1],
      ["sam@x.test", 1],
    ]);
  });

  it("reads known filters from a query and ignores the rest", () => {
    expect(parseQueueFilters(new URLSearchParams("server=fs&tool=&evil=1&rule=hold%20writes"))).toEqual({ server: "fs", rule: "hold writes" });
  });
});
