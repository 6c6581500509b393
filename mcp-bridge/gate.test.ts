import { EventEmitter } from "node:events";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it, vi } from "vitest";
import type { TApprovalState, TBridgeAuditEvent, TCreateApproval } from "../lib/bridge-api/bridge-api.types";
import { hashArguments } from "../lib/crypto/canonical-hash";
import { type TPolicyInput, ZPolicy } from "../lib/policy/policy.types";
import { REDACTED } from "../lib/policy/redact";
import type { DashboardClient } from "./dashboard-client";
import { type GateCall, type GateDeps, gateToolCall } from "./gate";
import { PolicySource } from "./policy-source";
import { SessionContext } from "./session-context";
import { ToolRegistry } from "./tool-registry";

// Unit tests of the gate with fakes for the upstream and the dashboard;
// the real processes are exercised in test/integration.

const WRITE: Tool = {
  name: "write_file",
  description: "Writes a file",
  inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"], additionalProperties: false },
};

function setup(policyInput: TPolicyInput | null, options: { dashboard?: FakeDashboard } = {}) {
  const registry = new ToolRegistry(false);
  registry.setUpstreamTools("fs", [WRITE]);
  const policy = new PolicySource();
  policy.current = policyInput ? ZPolicy.parse(policyInput) : null;
  const events: TBridgeAuditEvent[] = [];
  const forward = vi.fn(async (_tool, args: Record<string, unknown>): Promise<CallToolResult> => ({ content: [{ type: "text", text: `wrote ${args.path}` }] }));
  const deps: GateDeps = {
    registry,
    policy,
    audit: { record: (e) => events.push(e), flush: async () => {} },
    dashboard: options.dashboard as unknown as DashboardClient | undefined,
    forward,
    timing: { pollMs: 20, progressMs: 1_000, graceMs: 100 },
  };
  return { deps, events, forward };
}

function call(args: Record<string, unknown>, signal = new AbortController().signal): GateCall {
  return { name: "write_file", args, meta: { "airlock/prompt": "save it" }, sessionId: "s1", session: new SessionContext(), signal };
}

/** A dashboard that records requests and lets the test decide them. */
class FakeDashboard {
  socket = new EventEmitter();
  created: TCreateApproval[] = [];
  results: { id: string; outcome: string }[] = [];
  state: TApprovalState | null = null;

  async createApproval(input: TCreateApproval): Promise<TApprovalState> {
    this.created.push(input);
    this.state = { id: `a${this.created.length}`, status: "pending", expiresAt: new Date(Date.now() + 60_000).toISOString() };
    return this.state;
  }
  async getApproval(): Promise<TApprovalState> {
    return this.state!;
  }
  async reportResult(id: string, result: { outcome: string }) {
    this.results.push({ id, outcome: result.outcome });
  }
  reportResultInBackground(id: string, result: { outcome: string }) {
    void this.reportResult(id, result);
  }
  withdrawn: string[] = [];
  trackHold() {
    return () => undefined;
  }
  withdrawByKeyInBackground(key: string) {
    this.withdrawn.push(key);
  }
  onApprovalUpdated(listener: (state: TApprovalState) => void) {
    this.socket.on("approval:updated", listener);
    return () => void this.socket.off("approval:updated", listener);
  }
  async watchApprovals(): Promise<TApprovalState[]> {
    return this.state ? [this.state] : [];
  }
  /** Decides the current request; an approval names the hash of what it approved, as the dashboard's does (unless the patch says otherwise). */
  decide(patch: Partial<TApprovalState>) {
    const hash = patch.approvedArguments && !("approvedArgumentsHash" in patch) ? { approvedArgumentsHash: hashArguments(patch.approvedArguments) } : {};
    this.state = { ...this.state!, ...patch, ...hash };
    this.socket.emit("approval:updated", this.state);
  }
}

const HOLD: TPolicyInput = { default: "deny", rules: [{ name: "hold writes", match: { tool: "write_file" }, action: "require_approval" }] };

async function waitUntil(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe("gate", () => {
  it("forwards an allowed call and audits it", async () => {
    const { deps, events, forward } = setup({ default: "allow", rules: [] });
    const result = await gateToolCall(deps, call({ path: "/a" }));
    expect(result.isError).toBeUndefined();
    expect(forward).toHaveBeenCalledOnce();
    expect(events).toMatchObject([{ kind: "allowed", tool: "write_file", sessionId: "s1" }]);
    expect(events[0].latencyMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ["a deny rule", { default: "allow", rules: [{ name: "no", match: { tool: "*" }, action: "deny", message: "not here" }] }, { path: "/a" }, /not here/],
    ["arguments that break the schema", { default: "allow", rules: [] }, { path: 1 }, /input schema/],
    ["no policy loaded yet", null, { path: "/a" }, /not loaded its policy/],
    ["a hold with no dashboard", HOLD, { path: "/a" }, /no Airlock dashboard to ask/],
  ] as const)("refuses %s without forwarding", async (_label, policy, args, message) => {
    const { deps, events, forward } = setup(policy as TPolicyInput | null);
    const result = (await gateToolCall(deps, call(args as Record<string, unknown>))) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(message);
    expect(forward).not.toHaveBeenCalled();
    expect(events).toHaveLength(1);
    // Refused before anything ran: recorded as denied (a hold that could not be asked for never became one).
    expect(events[0].kind).toBe("denied");
  });

  describe("a call asked to run as a task", () => {
    const asTask = (args: Record<string, unknown>): GateCall => ({ ...call(args), task: { ttl: 60_000 } });
    const onResults: TPolicyInput["rules"][number] = {
      name: "hold injected results",
      on: "result",
      match: {},
      when: 'signals.result.severity.injection == "high"',
      action: "hold_result",
    };
    const onSession: TPolicyInput["rules"][number] = {
      name: "tainted sends",
      match: {},
      when: "session.tainted && tool.role.sink",
      action: "require_approval",
    };

    const refusing: [string, TPolicyInput][] = [
      ["a rule on results", { default: "allow", rules: [onResults] }],
      ["a rule on the session's facts", { default: "allow", rules: [onSession] }],
      ["a rule on results, behind a hold", { default: "require_approval", rules: [onResults] }],
    ];
    it.each(refusing)("is refused with %s: its result would reach the model unscreened through tasks/result", async (_label, policy) => {
      const dashboard = new FakeDashboard();
      const { deps, events, forward } = setup(policy, { dashboard });
      const result = (await gateToolCall(deps, asTask({ path: "/a" }))) as CallToolResult;
      expect(result.isError).toBe(true);
      expect((result.content[0] as { text: string }).text).toMatch(/cannot run as a task/);
      expect(forward).not.toHaveBeenCalled();
      expect(dashboard.created).toHaveLength(0);
      expect(events).toMatchObject([{ kind: "denied", detail: { reason: expect.stringMatching(/task/) } }]);
    });

    it("is forwarded as a task when no rule needs to see results", async () => {
      const { deps, forward } = setup({ default: "allow", rules: [{ name: "no", match: { tool: "other" }, action: "deny" }] });
      await gateToolCall(deps, asTask({ path: "/a" }));
      expect(forward).toHaveBeenCalledWith(expect.anything(), { path: "/a" }, expect.objectContaining({ task: { ttl: 60_000 } }));
    });

    it("is still refused by a deny rule with the rule's own message", async () => {
      const { deps } = setup({ default: "allow", rules: [onResults, { name: "no", match: {}, action: "deny", message: "not here" }] });
      const result = (await gateToolCall(deps, asTask({ path: "/a" }))) as CallToolResult;
      expect((result.content[0] as { text: string }).text).toMatch(/not here/);
    });
  });

  it("holds, then forwards exactly once although the decision arrives twice", async () => {
    const dashboard = new FakeDashboard();
    const { deps, forward, events } = setup(HOLD, { dashboard });
    const pending = gateToolCall(deps, call({ path: "/a" }));
    await waitUntil(() => dashboard.created.length === 1);
    expect(dashboard.created[0]).toMatchObject({ tool: "write_file", prompt: "save it", ruleName: "hold writes", arguments: { path: "/a" } });
    dashboard.decide({ status: "approved", approvedArguments: { path: "/a" } });
    dashboard.decide({ status: "approved", approvedArguments: { path: "/a" } });
    const result = await pending;
    expect(result.isError).toBeUndefined();
    expect(forward).toHaveBeenCalledOnce();
    expect(dashboard.results).toEqual([{ id: "a1", outcome: "executed" }]);
    expect(events).toMatchObject([{ kind: "held", approvalId: "a1" }]);
  });

  it("learns the decision by polling when no push arrives (a dropped socket)", async () => {
    const dashboard = new FakeDashboard();
    const { deps, forward } = setup(HOLD, { dashboard });
    const pending = gateToolCall(deps, call({ path: "/a" }));
    await waitUntil(() => dashboard.created.length === 1);
    dashboard.state = { ...dashboard.state!, status: "approved", approvedArguments: { path: "/a" }, approvedArgumentsHash: hashArguments({ path: "/a" }) };
    expect((await pending).isError).toBeUndefined();
    expect(forward).toHaveBeenCalledOnce();
  });

  /** The reviewer decides while createApproval's answer is still on its way: the push reaches no listener. */
  class FastReviewer extends FakeDashboard {
    polls = 0;
    watches = 0;
    constructor(
      isSocketUp: boolean,
      private readonly keepsPushes = false,
    ) {
      super();
      Object.assign(this.socket, { connected: isSocketUp });
    }
    /** As DashboardClient: a connection number while up, and the decisions pushed recently. */
    get connectionEpoch() {
      return this.keepsPushes ? 1 : undefined;
    }
    recentDecision(id: string) {
      return this.keepsPushes && this.state?.id === id && this.state.status !== "pending" ? this.state : undefined;
    }
    override async createApproval(input: TCreateApproval): Promise<TApprovalState> {
      const created = await super.createApproval(input);
      this.decide({ status: "approved", approvedArguments: { path: "/a" } });
      return created;
    }
    override async getApproval(): Promise<TApprovalState> {
      this.polls++;
      return super.getApproval();
    }
    override async watchApprovals(): Promise<TApprovalState[]> {
      this.watches++;
      return super.watchApprovals();
    }
  }

  it.each([
    ["over HTTP when the socket is down", false, false, { watches: 0, polls: 1 }],
    ["over the socket when it is up", true, false, { watches: 1, polls: 0 }],
    ["or not at all when the socket stayed up and the push is in the client's recent decisions", true, true, { watches: 0, polls: 0 }],
  ])("does not miss a decision pushed before the bridge listened: it asks once right away, %s", async (_label, isSocketUp, keepsPushes, asked) => {
    const dashboard = new FastReviewer(isSocketUp, keepsPushes);
    const { deps, forward } = setup(HOLD, { dashboard });
    // Polling every minute: only the immediate check can find the decision within the test's time.
    const result = await gateToolCall({ ...deps, timing: { pollMs: 60_000, progressMs: 60_000, graceMs: 100 } }, call({ path: "/a" }));
    expect(result.isError).toBeUndefined();
    expect(forward).toHaveBeenCalledOnce();
    expect({ watches: dashboard.watches, polls: dashboard.polls }).toEqual(asked);
  });

  it("shows reviewers and the audit trail the redacted arguments, and forwards the real ones once approved", async () => {
    const dashboard = new FakeDashboard();
    const policy: TPolicyInput = {
      default: "deny",
      rules: [{ name: "hold writes", match: { tool: "write_file" }, action: "require_approval", redact: ["path"] }],
    };
    const { deps, forward, events } = setup(policy, { dashboard });
    const held = call({ path: "/secret/key" });
    const pending = gateToolCall(deps, held);
    await waitUntil(() => dashboard.created.length === 1);
    const shown = { path: REDACTED };
    expect(dashboard.created[0]).toMatchObject({ arguments: shown, argumentsHash: hashArguments(shown) });
    dashboard.decide({ status: "approved", approvedArguments: shown });
    expect((await pending).isError).toBeUndefined();
    expect(forward).toHaveBeenCalledWith(expect.anything(), { path: "/secret/key" }, expect.anything());
    // The audit event keeps the hash of the real call, and only the masked arguments.
    expect(events).toMatchObject([{ kind: "held", arguments: shown, argumentsHash: hashArguments({ path: "/secret/key" }) }]);
    // The session timeline, shown to reviewers of later calls, has the masked arguments too.
    const step = held.session.snapshot().find((e) => e.kind === "tool_call")!;
    expect(step.summary).toContain(REDACTED);
    expect(step.summary).not.toContain("/secret/key");
  });

  it("returns the reviewer's comment on rejection and never forwards", async () => {
    const dashboard = new FakeDashboard();
    const { deps, forward } = setup(HOLD, { dashboard });
    const pending = gateToolCall(deps, call({ path: "/a" }));
    await waitUntil(() => dashboard.created.length === 1);
    dashboard.decide({ status: "rejected", comment: "use /tmp instead" });
    const result = (await pending) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toContain('"use /tmp instead"');
    expect(forward).not.toHaveBeenCalled();
  });

  it("withdraws the request when the client cancels", async () => {
    const dashboard = new FakeDashboard();
    const { deps, forward } = setup(HOLD, { dashboard });
    const controller = new AbortController();
    const pending = gateToolCall(deps, call({ path: "/a" }, controller.signal));
    await waitUntil(() => dashboard.created.length === 1);
    controller.abort();
    expect((await pending).isError).toBe(true);
    expect(dashboard.results).toEqual([{ id: "a1", outcome: "withdrawn" }]);
    expect(forward).not.toHaveBeenCalled();
  });

  it("refuses an approved edit that breaks the input schema", async () => {
    const dashboard = new FakeDashboard();
    const policy: TPolicyInput = {
      default: "deny",
      rules: [{ name: "hold writes", match: { tool: "write_file" }, action: "require_approval" }],
    };
    const { deps, forward } = setup(policy, { dashboard });
    const pending = gateToolCall(deps, call({ path: "/a" }));
    await waitUntil(() => dashboard.created.length === 1);
    // The edit breaks the schema (an extra property), so the bridge must not forward it.
    dashboard.decide({ status: "approved", approvedArguments: { path: "/a", mode: "777" } });
    const result = await pending;
    expect(result.isError).toBe(true);
    expect(forward).not.toHaveBeenCalled();
    expect(dashboard.results[0].outcome).toBe("failed_upstream");
  });

  it.each([
    ["arguments that do not hash to what the approvers approved", { approvedArguments: { path: "/b" }, approvedArgumentsHash: hashArguments({ path: "/a" }) }],
    ["an approval that names no hash", { approvedArguments: { path: "/a" }, approvedArgumentsHash: null }],
    ["an approval that carries no arguments", { approvedArguments: null, approvedArgumentsHash: hashArguments({ path: "/a" }) }],
  ] as const)("refuses to run %s", async (_label, patch) => {
    const dashboard = new FakeDashboard();
    const { deps, forward } = setup(HOLD, { dashboard });
    const pending = gateToolCall(deps, call({ path: "/a" }));
    await waitUntil(() => dashboard.created.length === 1);
    dashboard.decide({ status: "approved", ...patch });
    const result = (await pending) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(/exact arguments|do not match the hash/);
    expect(forward).not.toHaveBeenCalled();
    expect(dashboard.results).toEqual([{ id: "a1", outcome: "failed_upstream" }]);
  });

  describe("an edit re-checked by the whole policy", () => {
    const TIERED: TPolicyInput = {
      default: "deny",
      rules: [
        { id: "r-tmp", name: "one reviewer for /tmp", match: { tool: "write_file" }, when: 'args.path.startsWith("/tmp/")', action: "require_approval" },
        {
          id: "r-etc",
          name: "two admins for /etc",
          match: { tool: "write_file" },
          when: 'args.path.startsWith("/etc/")',
          action: "require_approval",
          approvers: 2,
          approverRole: "admin",
        },
        { id: "r-deny", name: "nothing under /proc", match: { tool: "write_file" }, when: 'args.path.startsWith("/proc/")', action: "deny" },
        { id: "r-rest", name: "one reviewer elsewhere", match: { tool: "write_file" }, action: "require_approval" },
      ],
    };

    it("holds an edit that moved into a stricter rule for that rule's approvers, and runs it only once they approve", async () => {
      const dashboard = new FakeDashboard();
      const { deps, forward, events } = setup(TIERED, { dashboard });
      const pending = gateToolCall(deps, call({ path: "/tmp/a" }));
      await waitUntil(() => dashboard.created.length === 1);
      dashboard.decide({ status: "approved", approvedArguments: { path: "/etc/passwd" } });
      await waitUntil(() => dashboard.created.length === 2);
      expect(dashboard.created[1]).toMatchObject({
        arguments: { path: "/etc/passwd" },
        argumentsHash: hashArguments({ path: "/etc/passwd" }),
        ruleName: "two admins for /etc",
        approvers: 2,
        approverRole: "admin",
      });
      expect(forward).not.toHaveBeenCalled();
      expect(dashboard.results).toEqual([{ id: "a1", outcome: "reheld" }]);
      dashboard.decide({ status: "approved", approvedArguments: { path: "/etc/passwd" } });
      expect((await pending).isError).toBeUndefined();
      expect(forward).toHaveBeenCalledOnce();
      expect(forward).toHaveBeenCalledWith(expect.anything(), { path: "/etc/passwd" }, expect.anything());
      expect(events).toMatchObject([{ kind: "held", approvalId: "a2", argumentsHash: hashArguments({ path: "/tmp/a" }) }]);
    });

    it("compares rules by id, not by name: a same-named rule with more approvers holds again", async () => {
      const dashboard = new FakeDashboard();
      const { deps, forward } = setup(TIERED, { dashboard });
      const pending = gateToolCall(deps, call({ path: "/tmp/a" }));
      await waitUntil(() => dashboard.created.length === 1);
      // While the call waited, the policy changed: the rule keeps its name but a new id and asks for two approvers.
      deps.policy.current = ZPolicy.parse({ ...TIERED, rules: [{ ...TIERED.rules[0], id: "r-tmp-2", approvers: 2 }, ...TIERED.rules.slice(1)] });
      dashboard.decide({ status: "approved", approvedArguments: { path: "/tmp/a" } });
      await waitUntil(() => dashboard.created.length === 2);
      expect(dashboard.created[1]).toMatchObject({ ruleName: "one reviewer for /tmp", approvers: 2 });
      expect(forward).not.toHaveBeenCalled();
      dashboard.decide({ status: "rejected", comment: "no" });
      expect((await pending).isError).toBe(true);
      expect(forward).not.toHaveBeenCalled();
    });

    it("runs an edit that stays under the same rule, and refuses one the policy denies", async () => {
      const dashboard = new FakeDashboard();
      const { deps, forward } = setup(TIERED, { dashboard });
      const same = gateToolCall(deps, call({ path: "/tmp/a" }));
      await waitUntil(() => dashboard.created.length === 1);
      dashboard.decide({ status: "approved", approvedArguments: { path: "/tmp/b" } });
      expect((await same).isError).toBeUndefined();
      expect(forward).toHaveBeenCalledWith(expect.anything(), { path: "/tmp/b" }, expect.anything());

      const denied = gateToolCall(deps, call({ path: "/tmp/c" }));
      await waitUntil(() => dashboard.created.length === 2);
      dashboard.decide({ status: "approved", approvedArguments: { path: "/proc/x" } });
      const result = (await denied) as CallToolResult;
      expect(result.isError).toBe(true);
      expect((result.content[0] as { text: string }).text).toContain("policy denies them");
      expect(forward).toHaveBeenCalledOnce();
    });
  });
});
