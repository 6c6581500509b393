// Tasks (MCP 2025-11-25): a tools/call the client asks to run as a task goes
// through the gate like any call, and the task it creates is reachable through
// the bridge (tasks/get, tasks/result, tasks/list, tasks/cancel), by this
// session only. Real processes: the bridge over stdio in front of a task server
// built on the SDK's experimental task support.
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CallToolResultSchema,
  CancelTaskResultSchema,
  CreateTaskResultSchema,
  GetTaskResultSchema,
  ListTasksResultSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COUNTER_SERVER, connectThroughBridge, writePolicyFile } from "../helpers/bridge-client";

const TASK_SERVER = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "task-server.ts")}`;
const POLICY = writePolicyFile({
  default: "allow",
  rules: [{ name: "no big sums", match: { tool: "*slow_sum" }, when: "args.a > 100", action: "deny", message: "sums over 100 are not allowed" }],
});
const runAsTask = (client: Client, a: number, ms = 100, name = "slow_sum") =>
  client.request({ method: "tools/call", params: { name, arguments: { a, b: 1, ms } } }, CreateTaskResultSchema, { task: { ttl: 60_000 } });

describe("tasks through the bridge, one upstream", () => {
  let client: Client;
  let other: Client;
  let close: () => Promise<void>;
  let closeOther: () => Promise<void>;
  beforeAll(async () => {
    ({ client, close } = await connectThroughBridge({ upstreams: [TASK_SERVER], policyFile: POLICY }));
    ({ client: other, close: closeOther } = await connectThroughBridge({ upstreams: [TASK_SERVER], policyFile: POLICY }));
  });
  afterAll(async () => {
    await close?.();
    await closeOther?.();
  });

  it("advertises the upstream's task capability and the tool's task support", async () => {
    expect(client.getServerCapabilities()?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === "slow_sum")?.execution).toEqual({ taskSupport: "required" });
  });

  it("creates the task upstream, then reports its status and its result", async () => {
    const { task } = await runAsTask(client, 2, 300);
    expect(task.status).toBe("working");
    const status = await client.request({ method: "tasks/get", params: { taskId: task.taskId } }, GetTaskResultSchema);
    expect(status.taskId).toBe(task.taskId);
    const result = await client.request({ method: "tasks/result", params: { taskId: task.taskId } }, CallToolResultSchema);
    expect(result.content).toEqual([{ type: "text", text: "3" }]);
    const { tasks } = await client.request({ method: "tasks/list", params: {} }, ListTasksResultSchema);
    expect(tasks.map((t) => t.taskId)).toContain(task.taskId);
  });

  it("refuses a task the policy denies: no task is created, the client gets the refusal", async () => {
    const before = await client.request({ method: "tasks/list", params: {} }, ListTasksResultSchema);
    await expect(runAsTask(client, 500)).rejects.toThrow(/sums over 100 are not allowed/);
    const after = await client.request({ method: "tasks/list", params: {} }, ListTasksResultSchema);
    expect(after.tasks.length).toBe(before.tasks.length);
  });

  it("cancels a task, and keeps one session's tasks from another", async () => {
    const { task } = await runAsTask(client, 5, 5_000);
    await expect(other.request({ method: "tasks/get", params: { taskId: task.taskId } }, GetTaskResultSchema)).rejects.toThrow(/unknown task/);
    await expect(other.request({ method: "tasks/cancel", params: { taskId: task.taskId } }, CancelTaskResultSchema)).rejects.toThrow(/unknown task/);
    const { tasks } = await other.request({ method: "tasks/list", params: {} }, ListTasksResultSchema);
    expect(tasks.map((t) => t.taskId)).not.toContain(task.taskId);
    const cancelled = await client.request({ method: "tasks/cancel", params: { taskId: task.taskId } }, CancelTaskResultSchema);
    expect(cancelled.status).toBe("cancelled");
  });
});

describe("tasks through the bridge, several upstreams", () => {
  let client: Client;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ client, close } = await connectThroughBridge({
      upstreams: [`tasks=${TASK_SERVER}`, `counter=${COUNTER_SERVER}`],
      policyFile: POLICY,
    }));
  });
  afterAll(() => close?.());

  it("gives the task an id of its own and routes its requests to the server running it", async () => {
    const { task } = await runAsTask(client, 40, 100, "tasks__slow_sum");
    // Not the upstream's id (32 hex digits) nor a name prefix, which could collide across upstreams.
    expect(task.taskId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    const status = await client.request({ method: "tasks/get", params: { taskId: task.taskId } }, GetTaskResultSchema);
    expect(status.taskId).toBe(task.taskId);
    const result = await client.request({ method: "tasks/result", params: { taskId: task.taskId } }, CallToolResultSchema);
    expect(result.content).toEqual([{ type: "text", text: "41" }]);
    expect(result._meta?.["io.modelcontextprotocol/related-task"]).toEqual({ taskId: task.taskId });
    const { tasks } = await client.request({ method: "tasks/list", params: {} }, ListTasksResultSchema);
    expect(tasks.map((t) => t.taskId)).toEqual([task.taskId]);
    await expect(client.request({ method: "tasks/get", params: { taskId: "tasks__0123456789abcdef" } }, GetTaskResultSchema)).rejects.toThrow(/unknown task/);
  });

  it("refuses a task for a server that does not run tasks", async () => {
    await expect(
      client.request({ method: "tools/call", params: { name: "counter__increment", arguments: { by: 1 } } }, CreateTaskResultSchema, { task: { ttl: 1_000 } }),
    ).rejects.toThrow(/does not run tool calls as tasks/);
  });
});
