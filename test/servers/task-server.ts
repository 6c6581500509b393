// A small MCP server whose `slow_sum` runs as a task (the 2025-11-25 tasks
// extension, through the SDK's experimental support): tasks/get, tasks/result,
// tasks/list and tasks/cancel are the SDK's, backed by an in-memory store.
import { InMemoryTaskMessageQueue, InMemoryTaskStore } from "@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const taskStore = new InMemoryTaskStore();
const server = new McpServer(
  { name: "tasks", version: "1.0.0" },
  { capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }, taskStore, taskMessageQueue: new InMemoryTaskMessageQueue() },
);

server.experimental.tasks.registerToolTask(
  "slow_sum",
  {
    description: "Adds a and b after `ms` milliseconds, as a task.",
    inputSchema: { a: z.number(), b: z.number(), ms: z.number().int().min(0).max(5_000) },
    execution: { taskSupport: "required" },
  },
  {
    async createTask({ a, b, ms }, { taskStore: store, taskRequestedTtl }) {
      const task = await store.createTask({ ttl: taskRequestedTtl });
      setTimeout(() => void store.storeTaskResult(task.taskId, "completed", { content: [{ type: "text", text: String(a + b) }] }), ms);
      return { task };
    },
    getTask: async (_args, { taskId, taskStore: store }) => (await store.getTask(taskId))!,
    getTaskResult: async (_args, { taskId, taskStore: store }) => (await store.getTaskResult(taskId)) as never,
  },
);

await server.connect(new StdioServerTransport());
