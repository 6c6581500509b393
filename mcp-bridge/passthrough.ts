import { randomUUID } from "node:crypto";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CancelTaskRequestSchema,
  type ClientCapabilities,
  CompleteRequestSchema,
  CreateMessageRequestSchema,
  type CreateTaskResult,
  ElicitRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  GetTaskPayloadRequestSchema,
  GetTaskRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListRootsRequestSchema,
  ListTasksRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  type Prompt,
  PromptListChangedNotificationSchema,
  RELATED_TASK_META_KEY,
  ReadResourceRequestSchema,
  type Resource,
  ResourceListChangedNotificationSchema,
  type ResourceTemplate,
  ResourceUpdatedNotificationSchema,
  ResultSchema,
  RootsListChangedNotificationSchema,
  type ServerCapabilities,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  type Task,
  TaskStatusNotificationSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { TInventoryKind } from "../lib/bridge-api/bridge-api.types";
import { scanResult } from "../lib/detectors/scan-content";
import type { TToolRole } from "../lib/detectors/session-chain";
import { refusal } from "./call-context";
import { log } from "./log";
import type { ManagedUpstream } from "./managed-upstream";
import { type SessionContext, summarise } from "./session-context";
import type { ToolAdmission } from "./tool-admission";
import { SEPARATOR } from "./tool-registry";

// Everything but tools: resources, prompts, completions and logging pass through
// unchanged, and so do the requests a server sends to the client (sampling,
// elicitation, roots). With one upstream the bridge is a pipe (pagination
// included); with several it merges the lists, prefixes prompt names like tool
// names, and routes each resource URI to the upstream that listed it.
// Tasks (a tools/call the client asked to run as a task) are created only
// through the gate; tasks/get, tasks/result, tasks/cancel and tasks/list then
// reach only the tasks this session created, on the upstream that runs them.

type Params = Record<string, unknown> | undefined;
type Capability = "resources" | "prompts" | "completions" | "logging";

/** What the client is told the bridge can do besides tools: what its upstreams declared. */
export function passthroughCapabilities(upstreams: ManagedUpstream[]): ServerCapabilities {
  const declared = upstreams.map((u) => u.capabilities ?? {});
  const any = (pick: (c: ServerCapabilities) => unknown) => declared.some((c) => Boolean(pick(c)));
  const isMerged = upstreams.length > 1;
  const capabilities: ServerCapabilities = {};
  if (any((c) => c.resources)) {
    capabilities.resources = { subscribe: any((c) => c.resources?.subscribe), listChanged: isMerged || any((c) => c.resources?.listChanged) };
  }
  if (any((c) => c.prompts)) capabilities.prompts = { listChanged: isMerged || any((c) => c.prompts?.listChanged) };
  if (any((c) => c.completions)) capabilities.completions = {};
  if (any((c) => c.logging)) capabilities.logging = {};
  if (any((c) => c.tasks?.requests?.tools?.call)) {
    capabilities.tasks = {
      ...(any((c) => c.tasks?.list) ? { list: {} } : {}),
      ...(any((c) => c.tasks?.cancel) ? { cancel: {} } : {}),
      requests: { tools: { call: {} } },
    };
  }
  return capabilities;
}

/** A resource template as the inventory holds it: named by its URI template (its identity), its own name kept. */
export const templateItem = (t: ResourceTemplate) => ({ ...t, name: t.uriTemplate, templateName: t.name });

const upstreamRequest = (client: Client, method: string, params: Params, signal: AbortSignal, timeout?: number) =>
  client.request({ method, params } as never, ResultSchema, { signal, ...(timeout ? { timeout, resetTimeoutOnProgress: true } : {}) });

/** tasks/result waits for the task to finish: as long as a tool call may take. */
const TASK_RESULT_TIMEOUT_MS = 10 * 60_000;
/** Tasks a session remembers (the oldest are forgotten first). */
const MAX_TASKS = 1_000;

const taskKey = (upstream: ManagedUpstream, taskId: string) => `${upstream.name}\u0000${taskId}`;

/** The part of a URI template before its first expression: `file:///{path}` → `file:///`. */
const templatePrefix = (template: string) => template.split("{")[0];

/** Relays everything but tools between one downstream session and its upstreams. */
export class Passthrough {
  /** Set by `attach`; until then (upstreams still connecting) there is no client to relay to. */
  private server: Server | null = null;
  /** Which upstream listed which resource URI (merged mode). */
  private readonly resourceOwner = new Map<string, string>();
  /** Template prefixes per upstream, for URIs no list showed (merged mode). */
  private readonly templateOwners: { prefix: string; upstream: string }[] = [];
  /** Tasks this session created, by the id the client sees; and that id by upstream and upstream id. */
  private readonly tasks = new Map<string, { upstream: ManagedUpstream; taskId: string }>();
  private readonly exposedTaskIds = new Map<string, string>();

  constructor(
    private readonly upstreams: ManagedUpstream[],
    private readonly session: SessionContext,
    private readonly clientCapabilities: ClientCapabilities,
    /** The dashboard's inventory: prompts and resource templates reach the client only once an admin enabled them. */
    private readonly admission?: ToolAdmission,
    /** Whether the policy now has rules that must see results (see `mustScreenResults`): then a task's result is withheld. */
    private readonly mustScreenResults: () => boolean = () => true,
  ) {}

  /** The items an admin enabled (and whose definition is still the pinned one); all of them without a dashboard. */
  private async admitted<T extends { name: string }>(upstream: ManagedUpstream, kind: TInventoryKind, items: T[], definitionOf: (item: T) => { name: string }) {
    if (!this.admission || !items.length) return items;
    const definitions = items.map(definitionOf);
    const verdicts = await this.admission.review(upstream.name, undefined, definitions, kind);
    return items.filter((_, i) => verdicts.get(definitions[i]!.name)?.isAdmitted === true);
  }

  /** An admin changed the inventory: clients that list prompts or resource templates should list them again. */
  inventoryChanged(): void {
    if (this.upstreams.some((u) => u.capabilities?.prompts)) void this.notifyDownstream("notifications/prompts/list_changed", undefined);
    if (this.upstreams.some((u) => u.capabilities?.resources)) void this.notifyDownstream("notifications/resources/list_changed", undefined);
  }

  /** Refuses a prompt an admin has not enabled: listed or not, it is asked for by name. */
  private async requireAdmittedPrompt(upstream: ManagedUpstream, name: string, signal: AbortSignal): Promise<void> {
    if (!this.admission) return;
    const prompts: Prompt[] = [];
    let cursor: string | undefined;
    do {
      const page = (await upstreamRequest(this.clientOf(upstream), "prompts/list", cursor ? { cursor } : undefined, signal)) as {
        prompts?: Prompt[];
        nextCursor?: string;
      };
      prompts.push(...(page.prompts ?? []));
      cursor = page.nextCursor;
    } while (cursor && prompts.length < 10_000);
    const prompt = prompts.find((p) => p.name === name);
    const verdict = prompt ? (await this.admission.review(upstream.name, undefined, [prompt], "prompt")).get(name) : undefined;
    if (!verdict?.isAdmitted) {
      throw new McpError(ErrorCode.InvalidParams, `Airlock: the prompt ${name} ${verdict?.note ?? "is not offered by its server"}`);
    }
  }

  private get isMerged(): boolean {
    return this.upstreams.length > 1;
  }

  private get downstream(): Server {
    if (!this.server) throw new McpError(ErrorCode.InternalError, "the bridge's client session is not open yet");
    return this.server;
  }

  /** Relays an upstream's notification to the client; one the client can no longer receive (its session closing) is logged. */
  private async notifyDownstream(method: string, params: Params): Promise<void> {
    await this.server?.notification({ method, params } as never).catch((error) => log(`could not relay ${method} to the client`, error));
  }

  /**
   * Records what a resource read or a prompt brought into the session (the chain rule's
   * facts): untrusted content when it comes from the web or carries an injection.
   */
  private observe(server: string, name: string, role: TToolRole, result: unknown): void {
    const findings = scanResult(result);
    this.session.chain.observe(this.session.chain.nextIndex(), role, findings, { server, tool: name.slice(0, 300) });
  }

  /** Handlers on each new upstream client, installed before it connects. */
  configureUpstream(client: Client, upstream: ManagedUpstream): void {
    const relay = (method: string) => (notification: { params?: Params }) => this.notifyDownstream(method, notification.params);
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, relay("notifications/resources/updated"));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, relay("notifications/resources/list_changed"));
    client.setNotificationHandler(PromptListChangedNotificationSchema, relay("notifications/prompts/list_changed"));
    client.setNotificationHandler(LoggingMessageNotificationSchema, relay("notifications/message"));
    client.setNotificationHandler(TaskStatusNotificationSchema, async (notification) => {
      const exposed = this.exposedTaskIds.get(taskKey(upstream, notification.params.taskId));
      if (!exposed) return; // not a task of this session
      await this.notifyDownstream("notifications/tasks/status", { ...notification.params, taskId: exposed });
    });

    // Requests the server makes of the client: the bridge asks its own client, and says so in the timeline.
    const ask = (method: string, label: string) => async (request: { params?: Params }, extra: { signal: AbortSignal }) => {
      this.session.add({ kind: "sampling", server: upstream.name, name: label, summary: summarise(request.params ?? {}) });
      return this.downstream.request({ method, params: request.params } as never, ResultSchema, { signal: extra.signal });
    };
    // Only what the client declared was declared upstream (see mirroredCapabilities), so only that is handled.
    const declared = this.clientCapabilities;
    if (declared.sampling) client.setRequestHandler(CreateMessageRequestSchema, ask("sampling/createMessage", "sampling/createMessage") as never);
    if (declared.elicitation) client.setRequestHandler(ElicitRequestSchema, ask("elicitation/create", "elicitation/create") as never);
    if (declared.roots) {
      client.setRequestHandler(
        ListRootsRequestSchema,
        async (_request, extra) => this.downstream.request({ method: "roots/list" }, ResultSchema, { signal: extra.signal }) as never,
      );
    }
  }

  /** Installs request handlers on the downstream server for what `passthroughCapabilities` declared. */
  attach(server: Server, capabilities: ServerCapabilities): void {
    this.server = server;
    if (capabilities.resources) {
      server.setRequestHandler(ListResourcesRequestSchema, (request, extra) =>
        this.list("resources", "resources/list", "resources", request.params, extra.signal, (u, items: Resource[]) => {
          for (const r of items) this.resourceOwner.set(r.uri, u.name);
          return items;
        }),
      );
      server.setRequestHandler(ListResourceTemplatesRequestSchema, (request, extra) =>
        this.list("resources", "resources/templates/list", "resourceTemplates", request.params, extra.signal, async (u, all: ResourceTemplate[]) => {
          const items = await this.admitted(u, "resource_template", all, templateItem);
          for (const t of items) {
            const prefix = templatePrefix(t.uriTemplate);
            if (!this.templateOwners.some((o) => o.prefix === prefix)) this.templateOwners.push({ prefix, upstream: u.name });
          }
          return items;
        }),
      );
      server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
        const upstream = this.ownerOfUri(request.params.uri);
        this.session.add({ kind: "resource_read", server: upstream.name, name: request.params.uri.slice(0, 300), summary: request.params.uri });
        const result = await upstreamRequest(this.clientOf(upstream), "resources/read", request.params, extra.signal);
        // What a resource brings into the session counts for the chain rule like a tool's result.
        const isWeb = /^https?:/i.test(request.params.uri);
        this.observe(upstream.name, request.params.uri, { private: !isWeb, untrusted: isWeb, sink: false }, result);
        return result as never;
      });
      for (const [schema, method] of [
        [SubscribeRequestSchema, "resources/subscribe"],
        [UnsubscribeRequestSchema, "resources/unsubscribe"],
      ] as const) {
        server.setRequestHandler(schema, async (request, extra) => {
          const upstream = this.ownerOfUri(request.params.uri);
          return upstreamRequest(this.clientOf(upstream), method, request.params, extra.signal) as never;
        });
      }
    }
    if (capabilities.prompts) {
      server.setRequestHandler(ListPromptsRequestSchema, (request, extra) =>
        this.list("prompts", "prompts/list", "prompts", request.params, extra.signal, async (u, all: Prompt[]) => {
          const items = await this.admitted(u, "prompt", all, (p) => p);
          return this.isMerged ? items.map((p) => ({ ...p, name: `${u.name}${SEPARATOR}${p.name}` })) : items;
        }),
      );
      server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
        const { upstream, name } = this.resolvePrompt(request.params.name);
        await this.requireAdmittedPrompt(upstream, name, extra.signal);
        this.session.add({ kind: "prompt_get", server: upstream.name, name, summary: summarise(request.params.arguments ?? {}) });
        const result = await upstreamRequest(this.clientOf(upstream), "prompts/get", { ...request.params, name }, extra.signal);
        this.observe(upstream.name, `prompt:${name}`, { private: false, untrusted: false, sink: false }, result);
        return result as never;
      });
    }
    if (capabilities.completions) {
      server.setRequestHandler(CompleteRequestSchema, async (request, extra) => {
        const { ref } = request.params;
        if (ref.type === "ref/prompt") {
          const { upstream, name } = this.resolvePrompt(ref.name);
          return upstreamRequest(this.clientOf(upstream), "completion/complete", { ...request.params, ref: { ...ref, name } }, extra.signal) as never;
        }
        const upstream = this.ownerOfUri(ref.uri);
        return upstreamRequest(this.clientOf(upstream), "completion/complete", request.params, extra.signal) as never;
      });
    }
    if (capabilities.logging) {
      // Replaces the SDK's own handler: the level is the upstreams' business, they filter their messages.
      server.setRequestHandler(SetLevelRequestSchema, async (request, extra) => {
        await Promise.all(this.live("logging").map((u) => upstreamRequest(u.client!, "logging/setLevel", request.params, extra.signal)));
        return {};
      });
    }
    if (capabilities.tasks) this.attachTasks(server, capabilities);
    server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
      await Promise.all(this.live().map((u) => u.client!.sendRootsListChanged().catch(() => undefined)));
    });
  }

  /**
   * Called by the tools/call forward when an upstream created a task: the
   * client sees it under the session's id for it. With one upstream that is
   * the upstream's own id; with several, an id of the bridge's (an upstream's
   * id, or a name prefix, could collide with another upstream's).
   */
  exposeTask(upstream: ManagedUpstream, created: CreateTaskResult): CreateTaskResult {
    const key = taskKey(upstream, created.task.taskId);
    const taskId = this.exposedTaskIds.get(key) ?? (this.isMerged ? randomUUID() : created.task.taskId);
    this.tasks.set(taskId, { upstream, taskId: created.task.taskId });
    this.exposedTaskIds.set(key, taskId);
    if (this.tasks.size > MAX_TASKS) {
      const [oldest, task] = this.tasks.entries().next().value!;
      this.tasks.delete(oldest);
      this.exposedTaskIds.delete(taskKey(task.upstream, task.taskId));
    }
    return { ...created, task: { ...created.task, taskId } };
  }

  private exposedTaskId(upstream: ManagedUpstream, taskId: string): string | undefined {
    return this.exposedTaskIds.get(taskKey(upstream, taskId));
  }

  private taskOf(exposed: string): { upstream: ManagedUpstream; taskId: string } {
    const task = this.tasks.get(exposed);
    if (!task) throw new McpError(ErrorCode.InvalidParams, `unknown task: ${exposed} (this session created no such task)`);
    return task;
  }

  private attachTasks(server: Server, capabilities: ServerCapabilities): void {
    const rename = (task: Task, exposed: string) => ({ ...task, taskId: exposed });
    // tasks/get and tasks/cancel: to the upstream running the task, under its id there; the answer under the client's id.
    const relayTask = (method: string) => async (request: { params: { taskId: string } }, extra: { signal: AbortSignal }) => {
      const { upstream, taskId } = this.taskOf(request.params.taskId);
      return rename((await upstreamRequest(this.clientOf(upstream), method, { taskId }, extra.signal)) as Task, request.params.taskId) as never;
    };
    server.setRequestHandler(GetTaskRequestSchema, relayTask("tasks/get"));
    server.setRequestHandler(GetTaskPayloadRequestSchema, async (request, extra) => {
      const { upstream, taskId } = this.taskOf(request.params.taskId);
      // The gate refuses task mode under rules on results; a task begun before such a rule has its result withheld, not passed unscreened.
      if (this.mustScreenResults()) {
        this.session.add({ kind: "tool_result", server: upstream.name, name: `task ${request.params.taskId}`, summary: "result withheld", outcome: "denied" });
        return {
          ...refusal("this task's result was withheld: the policy now has rules that must see results, and a task's result cannot meet them."),
          _meta: { [RELATED_TASK_META_KEY]: { taskId: request.params.taskId } },
        } as never;
      }
      const payload = await upstreamRequest(this.clientOf(upstream), "tasks/result", { taskId }, extra.signal, TASK_RESULT_TIMEOUT_MS);
      this.session.add({
        kind: "tool_result",
        server: upstream.name,
        name: `task ${request.params.taskId}`,
        summary: summarise(payload.content ?? payload),
        outcome: payload.isError ? "error" : "ok",
      });
      const related = payload._meta?.[RELATED_TASK_META_KEY];
      return (related ? { ...payload, _meta: { ...payload._meta, [RELATED_TASK_META_KEY]: { taskId: request.params.taskId } } } : payload) as never;
    });
    if (capabilities.tasks?.cancel) server.setRequestHandler(CancelTaskRequestSchema, relayTask("tasks/cancel"));
    if (capabilities.tasks?.list) {
      // Only this session's tasks, whatever else the upstream runs; one merged page.
      server.setRequestHandler(ListTasksRequestSchema, async (request, extra) => {
        if (request.params?.cursor) throw new McpError(ErrorCode.InvalidParams, "invalid cursor: the bridge returns this session's tasks in one page");
        const owners = new Set([...this.tasks.values()].map((t) => t.upstream));
        const lists = await Promise.all(
          [...owners]
            .filter((u) => u.client && u.capabilities?.tasks?.list)
            .map(async (upstream) => {
              const found: Task[] = [];
              let cursor: string | undefined;
              do {
                const page = (await upstreamRequest(upstream.client!, "tasks/list", cursor ? { cursor } : undefined, extra.signal)) as {
                  tasks?: Task[];
                  nextCursor?: string;
                };
                for (const task of page.tasks ?? []) {
                  const exposed = this.exposedTaskId(upstream, task.taskId);
                  if (exposed) found.push(rename(task, exposed));
                }
                cursor = page.nextCursor;
              } while (cursor);
              return found;
            }),
        );
        return { tasks: lists.flat() } as never;
      });
    }
  }

  /** Upstreams that are connected (and declared the capability, when one is given). */
  private live(capability?: Capability): ManagedUpstream[] {
    return this.upstreams.filter((u) => u.client && (!capability || u.capabilities?.[capability]));
  }

  private clientOf(upstream: ManagedUpstream): Client {
    if (!upstream.client) throw new McpError(ErrorCode.InternalError, `upstream "${upstream.name}" is not connected; the bridge is reconnecting to it`);
    return upstream.client;
  }

  /** One upstream: its page, unchanged. Several: every page of every upstream, merged. */
  private async list<T>(
    capability: Capability,
    method: string,
    key: string,
    params: Params,
    signal: AbortSignal,
    map: (upstream: ManagedUpstream, items: T[]) => T[] | Promise<T[]>,
  ): Promise<never> {
    if (!this.isMerged) {
      const [upstream] = this.upstreams;
      const page = (await upstreamRequest(this.clientOf(upstream), method, params, signal)) as Record<string, unknown>;
      return { ...page, [key]: await map(upstream, (page[key] as T[]) ?? []) } as never;
    }
    if (params?.cursor) throw new McpError(ErrorCode.InvalidParams, "invalid cursor: the bridge returns merged lists in one page");
    const lists = await Promise.all(
      this.live(capability).map(async (upstream) => {
        const items: T[] = [];
        let cursor: string | undefined;
        do {
          const page = (await upstreamRequest(upstream.client!, method, cursor ? { cursor } : undefined, signal)) as Record<string, unknown>;
          items.push(...((page[key] as T[]) ?? []));
          cursor = typeof page.nextCursor === "string" ? page.nextCursor : undefined;
        } while (cursor);
        return map(upstream, items);
      }),
    );
    return { [key]: lists.flat() } as never;
  }

  private byName(name: string): ManagedUpstream | undefined {
    return this.upstreams.find((u) => u.name === name);
  }

  private resolvePrompt(exposed: string): { upstream: ManagedUpstream; name: string } {
    if (!this.isMerged) return { upstream: this.upstreams[0], name: exposed };
    const at = exposed.indexOf(SEPARATOR);
    const upstream = at > 0 ? this.byName(exposed.slice(0, at)) : undefined;
    if (!upstream) throw new McpError(ErrorCode.InvalidParams, `unknown prompt: ${exposed}`);
    return { upstream, name: exposed.slice(at + SEPARATOR.length) };
  }

  /** The upstream that listed a URI, else the one whose template fits it best (the longest prefix). */
  private ownerOfUri(uri: string): ManagedUpstream {
    if (!this.isMerged) return this.upstreams[0];
    const listed = this.resourceOwner.get(uri);
    const byTemplate = this.templateOwners.filter((o) => o.prefix && uri.startsWith(o.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
    const upstream = this.byName(listed ?? byTemplate?.upstream ?? "");
    if (upstream) return upstream;
    const [only, ...others] = this.live("resources");
    if (only && !others.length) return only;
    throw new McpError(ErrorCode.InvalidParams, `unknown resource: ${uri} (list resources or templates first, so the bridge knows which server serves it)`);
  }
}
