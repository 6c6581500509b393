import { describe, expect, it } from "vitest";
import type { ApprovalSummary } from "../realtime/events";
import { newPendingQueue, queueArrived, queueClosed, queueReconnected, queueResynced } from "./pending-queue";

function summary(id: string, minute: number): ApprovalSummary {
  return {
    id,
    status: "pending",
    server: "fs",
    tool: "write_file",
    bridgeName: "laptop",
    sessionId: "s",
    clientName: null,
    prompt: null,
    heldReason: "rule",
    ruleName: null,
    createdAt: new Date(Date.UTC(2026, 10, 28, 12, minute)).toISOString(),
    expiresAt: new Date(Date.UTC(2026, 10, 28, 13, minute)).toISOString(),
    stage: "call",
    findingCount: 0,
    findingDetectors: [],
    findingSeverity: null,
    principal: null,
    principalVerified: false,
    bridgeId: "b",
    argumentsHash: "0".repeat(64),
    keyArguments: [],
    toolAnnotations: null,
    requiredApprovers: 1,
    approverRole: "reviewer",
    approverGroup: null,
    escalatedAt: null,
  };
}
const ids = (q: { items: ApprovalSummary[] }) => q.items.map((a) => a.id);

describe("the pending queue in the browser", () => {
  it("shows a call held between the page's render and the socket joining, once the re-fetch answers", () => {
    let q = newPendingQueue([summary("a", 1)]);
    q = queueReconnected(q);
    q = queueResynced(q, [summary("b", 2), summary("a", 1)]);
    expect(ids(q)).toEqual(["b", "a"]);
  });

  it("drops a request decided while the socket was away", () => {
    let q = newPendingQueue([summary("a", 1), summary("b", 2)]);
    q = queueReconnected(q);
    q = queueResynced(q, [summary("b", 2)]);
    expect(ids(q)).toEqual(["b"]);
  });

  it("keeps a call that arrived over the socket while the re-fetch was in flight", () => {
    let q = queueReconnected(newPendingQueue([]));
    q = queueArrived(q, summary("c", 3));
    q = queueResynced(q, [summary("a", 1)]);
    expect(ids(q)).toEqual(["c", "a"]);
  });

  it("does not bring back a request decided while the re-fetch was in flight", () => {
    let q = queueReconnected(newPendingQueue([summary("a", 1)]));
    q = queueClosed(q, "a");
    q = queueResynced(q, [summary("a", 1)]);
    expect(ids(q)).toEqual([]);
  });

  it("ignores a creation event for a request already closed, and duplicates", () => {
    let q = queueReconnected(newPendingQueue([]));
    q = queueClosed(q, "a");
    q = queueArrived(q, summary("a", 1));
    q = queueArrived(q, summary("b", 2));
    q = queueArrived(q, summary("b", 2));
    expect(ids(q)).toEqual(["b"]);
  });
});
