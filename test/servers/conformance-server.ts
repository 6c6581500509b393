// The server side of the MCP conformance suite (@modelcontextprotocol/conformance),
// written from the scenarios' own descriptions: the fixtures (test_* tools,
// test://… resources, test_* prompts) each scenario calls, over Streamable HTTP.
// Usage: node --import tsx test/servers/conformance-server.ts PORT
import type { IncomingMessage } from "node:http";
import { completable } from "@modelcontextprotocol/sdk/server/completable.js";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CreateMessageResultSchema, ElicitResultSchema, SubscribeRequestSchema, UnsubscribeRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { serveStreamableHttp } from "./serve-http";

// A 1×1 PNG and a short silent WAV, as base64.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const WAV = Buffer.concat([
  Buffer.from("RIFF"),
  Buffer.from([0x2c, 0, 0, 0]),
  Buffer.from("WAVEfmt "),
  Buffer.from([16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0]),
  Buffer.from("data"),
  Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
]).toString("base64");

const text = (t: string) => ({ content: [{ type: "text" as const, text: t }] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function newServer(): McpServer {
  const mcp = new McpServer(
    { name: "airlock-conformance-fixture", version: "1.0.0" },
    { capabilities: { logging: {}, completions: {}, resources: { subscribe: true, listChanged: true } } },
  );
  const subscriptions = new Set<string>();

  mcp.registerTool("test_simple_text", { description: "Returns a simple text." }, async () => text("This is a simple text response for testing."));
  mcp.registerTool("test_image_content", { description: "Returns an image." }, async () => ({
    content: [{ type: "image", data: PNG, mimeType: "image/png" }],
  }));
  mcp.registerTool("test_audio_content", { description: "Returns audio." }, async () => ({ content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }] }));
  mcp.registerTool("test_embedded_resource", { description: "Returns an embedded resource." }, async () => ({
    content: [{ type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain", text: "This is an embedded resource content." } }],
  }));
  mcp.registerTool("test_multiple_content_types", { description: "Returns text, an image and a resource." }, async () => ({
    content: [
      { type: "text", text: "Multiple content types test:" },
      { type: "image", data: PNG, mimeType: "image/png" },
      {
        type: "resource",
        resource: { uri: "test://mixed-content-resource", mimeType: "application/json", text: JSON.stringify({ test: "data", value: 123 }) },
      },
    ],
  }));
  mcp.registerTool("test_tool_with_logging", { description: "Logs three messages while it runs.", inputSchema: {} }, async (_args, extra) => {
    for (const [i, message] of ["Tool execution started", "Tool processing data", "Tool execution completed"].entries()) {
      if (i) await sleep(50);
      await extra.sendNotification({ method: "notifications/message", params: { level: "info", data: message } });
    }
    return text("Logging tool finished");
  });
  mcp.registerTool("test_error_handling", { description: "Always fails." }, async () => ({
    isError: true,
    content: [{ type: "text", text: "This tool intentionally returns an error for testing" }],
  }));
  mcp.registerTool("test_tool_with_progress", { description: "Reports progress 0, 50, 100.", inputSchema: {} }, async (_args, extra) => {
    const token = extra._meta?.progressToken;
    for (const [i, progress] of [0, 50, 100].entries()) {
      if (i) await sleep(50);
      if (token !== undefined) await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress, total: 100 } });
    }
    return text("Progress tool finished");
  });
  mcp.registerTool("test_sampling", { description: "Asks the client's model.", inputSchema: { prompt: z.string() } }, async ({ prompt }, extra) => {
    const result = await extra.sendRequest(
      { method: "sampling/createMessage", params: { messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens: 100 } },
      CreateMessageResultSchema,
    );
    const reply = result.content.type === "text" ? result.content.text : JSON.stringify(result.content);
    return text(`LLM response: ${reply}`);
  });
  const elicit = async (
    extra: { sendRequest: (r: never, s: typeof ElicitResultSchema) => Promise<z.infer<typeof ElicitResultSchema>> },
    message: string,
    requestedSchema: object,
  ) => {
    const result = await extra.sendRequest({ method: "elicitation/create", params: { message, requestedSchema } } as never, ElicitResultSchema);
    return `action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
  };
  mcp.registerTool("test_elicitation", { description: "Asks the user.", inputSchema: { message: z.string() } }, async ({ message }, extra) => {
    const answer = await elicit(extra as never, message, {
      type: "object",
      properties: { username: { type: "string", description: "User's response" }, email: { type: "string", description: "User's email address" } },
      required: ["username", "email"],
    });
    return text(`User response: ${answer}`);
  });
  mcp.registerTool("test_elicitation_sep1034_defaults", { description: "Elicitation with defaults (SEP-1034).", inputSchema: {} }, async (_args, extra) => {
    const answer = await elicit(extra as never, "Please review the defaults", {
      type: "object",
      properties: {
        name: { type: "string", default: "John Doe" },
        age: { type: "integer", default: 30 },
        score: { type: "number", default: 95.5 },
        status: { type: "string", enum: ["active", "inactive", "pending"], default: "active" },
        verified: { type: "boolean", default: true },
      },
    });
    return text(`Elicitation completed: ${answer}`);
  });
  mcp.registerTool("test_elicitation_sep1330_enums", { description: "Elicitation with enum variants (SEP-1330).", inputSchema: {} }, async (_args, extra) => {
    const answer = await elicit(extra as never, "Please choose", {
      type: "object",
      properties: {
        untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
        titledSingle: {
          type: "string",
          oneOf: [
            { const: "value1", title: "First Option" },
            { const: "value2", title: "Second Option" },
            { const: "value3", title: "Third Option" },
          ],
        },
        legacyEnum: { type: "string", enum: ["opt1", "opt2", "opt3"], enumNames: ["Option One", "Option Two", "Option Three"] },
        untitledMulti: { type: "array", items: { type: "string", enum: ["option1", "option2", "option3"] } },
        titledMulti: {
          type: "array",
          items: {
            anyOf: [
              { const: "value1", title: "First Choice" },
              { const: "value2", title: "Second Choice" },
              { const: "value3", title: "Third Choice" },
            ],
          },
        },
      },
    });
    return text(`Elicitation completed: ${answer}`);
  });

  mcp.registerResource("static-text", "test://static-text", { description: "A static text resource.", mimeType: "text/plain" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "text/plain", text: "This is the content of the static text resource." }],
  }));
  mcp.registerResource("static-binary", "test://static-binary", { description: "A static binary resource.", mimeType: "image/png" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "image/png", blob: PNG }],
  }));
  mcp.registerResource("watched", "test://watched-resource", { description: "A resource to subscribe to.", mimeType: "text/plain" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "text/plain", text: "watched" }],
  }));
  mcp.registerResource(
    "template",
    new ResourceTemplate("test://template/{id}/data", { list: undefined }),
    { description: "Data by id.", mimeType: "application/json" },
    async (uri, { id }) => ({
      contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }],
    }),
  );
  mcp.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscriptions.add(request.params.uri);
    return {};
  });
  mcp.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.delete(request.params.uri);
    return {};
  });

  mcp.registerPrompt("test_simple_prompt", { description: "A prompt without arguments." }, async () => ({
    messages: [{ role: "user", content: { type: "text", text: "This is a simple prompt for testing." } }],
  }));
  mcp.registerPrompt(
    "test_prompt_with_arguments",
    {
      description: "A prompt with two arguments.",
      argsSchema: {
        arg1: completable(z.string().describe("First test argument"), (value) => ["paris", "park", "party"].filter((v) => v.startsWith(value))),
        arg2: z.string().describe("Second test argument"),
      },
    },
    async ({ arg1, arg2 }) => ({ messages: [{ role: "user", content: { type: "text", text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }] }),
  );
  mcp.registerPrompt(
    "test_prompt_with_embedded_resource",
    { description: "A prompt embedding a resource.", argsSchema: { resourceUri: z.string() } },
    async ({ resourceUri }) => ({
      messages: [
        { role: "user", content: { type: "resource", resource: { uri: resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." } } },
        { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
      ],
    }),
  );
  mcp.registerPrompt("test_prompt_with_image", { description: "A prompt with an image." }, async () => ({
    messages: [
      { role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ],
  }));
  return mcp;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const hostOf = (value: string | undefined) => {
  if (!value) return undefined;
  try {
    return new URL(value.includes("://") ? value : `http://${value}`).hostname;
  } catch {
    return "";
  }
};
const isLocal = (req: IncomingMessage) => {
  const host = hostOf(req.headers.host);
  const origin = hostOf(req.headers.origin);
  return host !== undefined && LOOPBACK.has(host) && (origin === undefined || LOOPBACK.has(origin));
};

const http = serveStreamableHttp(newServer, { isAllowed: isLocal });
const port = Number(process.argv[2] ?? 0);
http.listen(port, "127.0.0.1", () => {
  const address = http.address();
  process.stderr.write(`conformance fixture listening on http://127.0.0.1:${typeof address === "object" && address ? address.port : port}/mcp\n`);
});
