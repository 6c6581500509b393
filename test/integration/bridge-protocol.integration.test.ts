// The bridge is transparent: what the MCP reference server does directly, it
// does through the bridge (tools, resources, prompts, completions, logging,
// progress, and the requests a server makes of its client), with real processes.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  type ClientCapabilities,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, EVERYTHING_SERVER, textOf, writePolicyFile } from "../helpers/bridge-client";
import { waitFor } from "../helpers/dashboard";

const ALLOW_ALL = writePolicyFile({ default: "allow", rules: [] });
const CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } };

interface Observed {
  logs: unknown[];
  updates: string[];
  sampled: unknown[];
}

/** The test client's side of sampling, elicitation and roots: it answers like a host application would. */
function configureClient(observed: Observed) {
  return (client: Client) => {
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      observed.sampled.push(request.params);
      return { role: "assistant", content: { type: "text", text: "sampled by the test client" }, model: "test-model", stopReason: "endTurn" };
    });
    client.setRequestHandler(ElicitRequestSchema, async () => ({
      action: "accept",
      content: {
        name: "Ada",
        check: true,
        firstLine: "x",
        email: "ada@example.com",
        homepage: "https://example.com",
        birthdate: "1815-12-10",
        integer: 7,
        number: 3.5,
        untitledSingleSelectEnum: "Option 1",
        untitledMultipleSelectEnum: ["Option 1"],
        titledSingleSelectEnum: "opt1",
        titledMultipleSelectEnum: ["opt1"],
        legacyTitledEnum: "opt1",
      },
    }));
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: "file:///workspace/project", name: "project" }] }));
    client.setNotificationHandler(LoggingMessageNotificationSchema, async (n) => void observed.logs.push(n.params));
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, async (n) => void observed.updates.push(n.params.uri));
  };
}

let direct: Client;
let bridged: Client;
let closeBridge: () => Promise<void>;
const viaBridge: Observed = { logs: [], updates: [], sampled: [] };
const directly: Observed = { logs: [], updates: [], sampled: [] };

/**
 * The reference server writes the wall-clock time into its dynamic resources ("created at 9:48:13 AM"), so two
 * reads a second apart differ; the relay must not change anything else.
 */
function withoutClockTimes(result: unknown): unknown {
  return JSON.parse(JSON.stringify(result).replace(/\b\d{1,2}:\d{2}:\d{2}(\s?[AP]M)?/g, "<time>"));
}

beforeAll(async () => {
  const [command, ...args] = EVERYTHING_SERVER.split(" ");
  direct = new Client({ name: "airlock-test-agent", version: "1.0.0" }, { capabilities: CAPABILITIES });
  configureClient(directly)(direct);
  await direct.connect(new StdioClientTransport({ command, args, stderr: "ignore" }));
  const bridge = await connectThroughBridge({
    upstreams: [EVERYTHING_SERVER],
    policyFile: ALLOW_ALL,
    clientOptions: { capabilities: CAPABILITIES },
    configure: configureClient(viaBridge),
  });
  bridged = bridge.client;
  closeBridge = bridge.close;
});
afterAll(async () => {
  await closeBridge?.();
  await direct?.close();
});

describe("through the bridge, as directly", () => {
  it("advertises the capabilities the upstream has (tools, resources, prompts, completions, logging)", () => {
    const upstream = direct.getServerCapabilities()!;
    const through = bridged.getServerCapabilities()!;
    expect(through.tools).toBeDefined();
    expect(through.resources).toEqual({ subscribe: upstream.resources?.subscribe, listChanged: upstream.resources?.listChanged });
    expect(Boolean(through.prompts)).toBe(Boolean(upstream.prompts));
    expect(Boolean(through.completions)).toBe(Boolean(upstream.completions));
    expect(Boolean(through.logging)).toBe(Boolean(upstream.logging));
  });

  it("lists the same tools with the same definitions", async () => {
    expect((await bridged.listTools()).tools).toEqual((await direct.listTools()).tools);
  });

  it.each([
    ["echo", { message: "hello" }],
    ["get-sum", { a: 2, b: 3 }],
    ["get-structured-content", { location: "Chicago" }],
    ["get-tiny-image", {}],
    ["get-annotated-message", { messageType: "success", includeImage: true }],
    ["get-resource-links", { count: 2 }],
    ["get-resource-reference", { resourceType: "Text", resourceId: 2 }],
  ])("calls %s with the same result (text, structured content, images, resource links, embedded resources)", async (name, args) => {
    const [through, upstream] = [await bridged.callTool({ name, arguments: args }), await direct.callTool({ name, arguments: args })];
    expect(withoutClockTimes(through)).toEqual(withoutClockTimes(upstream));
  });

  it("lists, reads and templates resources the same", async () => {
    const resources = (await bridged.listResources()).resources;
    expect(resources).toEqual((await direct.listResources()).resources);
    expect((await bridged.listResourceTemplates()).resourceTemplates).toEqual((await direct.listResourceTemplates()).resourceTemplates);
    const uri = resources[0].uri;
    expect(await bridged.readResource({ uri })).toEqual(await direct.readResource({ uri }));
    const dynamic = "demo://resource/dynamic/text/3";
    const [through, upstream] = [await bridged.readResource({ uri: dynamic }), await direct.readResource({ uri: dynamic })];
    expect(withoutClockTimes(through)).toEqual(withoutClockTimes(upstream));
  });

  it("relays subscriptions and their updated notifications", async () => {
    const uri = "demo://resource/dynamic/text/1";
    await bridged.subscribeResource({ uri });
    await bridged.callTool({ name: "toggle-subscriber-updates", arguments: {} });
    await waitFor(async () => viaBridge.updates.includes(uri) || undefined, { timeoutMs: 10_000 });
    await bridged.callTool({ name: "toggle-subscriber-updates", arguments: {} });
    await bridged.unsubscribeResource({ uri });
  });

  it("lists and gets prompts, and completes their arguments, the same", async () => {
    expect((await bridged.listPrompts()).prompts).toEqual((await direct.listPrompts()).prompts);
    const get = { name: "args-prompt", arguments: { city: "Lyon", state: "Rhône" } };
    expect(await bridged.getPrompt(get)).toEqual(await direct.getPrompt(get));
    const complete = { ref: { type: "ref/prompt" as const, name: "completable-prompt" }, argument: { name: "department", value: "E" } };
    const completed = await bridged.complete(complete);
    expect(completed).toEqual(await direct.complete(complete));
    expect(completed.completion.values.length).toBeGreaterThan(0);
  });

  it("passes the logging level up and the log messages down", async () => {
    await bridged.setLoggingLevel("debug");
    await bridged.callTool({ name: "toggle-simulated-logging", arguments: {} });
    await waitFor(async () => viaBridge.logs.length > 0 || undefined, { timeoutMs: 10_000 });
    await bridged.callTool({ name: "toggle-simulated-logging", arguments: {} });
    expect(viaBridge.logs[0]).toMatchObject({ level: expect.any(String), data: expect.anything() });
  });

  it("relays the upstream's sampling request to the client and its answer back", async () => {
    const result = await bridged.callTool({ name: "trigger-sampling-request", arguments: { prompt: "Say hi", maxTokens: 20 } });
    expect(textOf(result)).toContain("sampled by the test client");
    expect(viaBridge.sampled).toHaveLength(1);
    expect(JSON.stringify(viaBridge.sampled[0])).toContain("Say hi");
  });

  it("relays elicitation and roots requests", async () => {
    const elicited = await bridged.callTool({ name: "trigger-elicitation-request", arguments: {} });
    expect(textOf(elicited)).toContain("Ada");
    const roots = await bridged.callTool({ name: "get-roots-list", arguments: {} });
    expect(textOf(roots)).toContain("file:///workspace/project");
  });

  it("relays the upstream's progress notifications to a client that asked for them", async () => {
    const progress: number[] = [];
    const result = await bridged.callTool({ name: "trigger-long-running-operation", arguments: { duration: 0.4, steps: 4 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(result.isError).toBeFalsy();
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it("cancels an upstream call when the client cancels it", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const call = bridged.callTool({ name: "trigger-long-running-operation", arguments: { duration: 20, steps: 20 } }, undefined, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort("test"), 200);
    await expect(call).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    // The session stays usable after a cancellation.
    expect(textOf(await bridged.callTool({ name: "echo", arguments: { message: "still here" } }))).toContain("still here");
  });

  it("answers ping", async () => {
    await expect(bridged.ping()).resolves.toBeDefined();
  });
});

describe("policy shapes what the model sees", () => {
  it("does not list a tool the policy denies outright, and refuses it by name", async () => {
    const policyFile = writePolicyFile({
      default: "allow",
      rules: [
        { name: "no env", match: { tool: "get-env" }, action: "deny", message: "environment variables are off limits" },
        { name: "echo only hello", match: { tool: "echo" }, when: 'args.message != "hello"', action: "deny" },
      ],
    });
    const { client, close } = await connectThroughBridge({ upstreams: [EVERYTHING_SERVER], policyFile });
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).not.toContain("get-env");
      expect(names).toContain("echo"); // a conditional deny leaves the tool usable for other calls
      const refused = await client.callTool({ name: "get-env", arguments: {} });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain("environment variables are off limits");
    } finally {
      await close();
    }
  });
});
