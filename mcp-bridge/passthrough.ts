import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CompleteRequestSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  PromptListChangedNotificationSchema,
  ReadResourceRequestSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ResultSchema,
  RootsListChangedNotificationSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ClientCapabilities,
  type Prompt,
  type Resource,
  type ResourceTemplate,
  type ServerCapabilities,
} from "@modelcontextprotocol/sdk/types.js";
import type { ManagedUpstream } from "./managed-upstream";
import { summarise, type SessionContext } from "./session-context";
import { SEPARATOR } from "./tool-registry";

// Everything but tools: resources, prompts, completions and logging pass through
// unchanged, and so do the requests a server sends to the client (sampling,
// elicitation, roots). With one upstream the bridge is a pipe (pagination
// included); with several it merges the lists, prefixes prompt names like tool
// names, and routes each resource URI to the upstream that listed it.

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
  return capabilities;
}

const upstreamRequest = (client: Client, method: string, params: Params, signal: AbortSignal) =>
  client.request({ method, params } as never, ResultSchema, { signal });

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

  constructor(
    private readonly upstreams: ManagedUpstream[],
    private readonly session: SessionContext,
    private readonly clientCapabilities: ClientCapabilities,
  ) {}

  private get isMerged(): boolean {
    return this.upstreams.length > 1;
  }

  private get downstream(): Server {
    if (!this.server) throw new McpError(ErrorCode.InternalError, "the bridge's client session is not open yet");
    return this.server;
  }

  /** Handlers on each new upstream client, installed before it connects. */
  configureUpstream(client: Client, upstream: ManagedUpstream): void {
    const relay = (method: string) => async (notification: { params?: Params }) => {
      await this.server?.notification({ method, params: notification.params } as never).catch(() => undefined);
    };
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, relay("notifications/resources/updated"));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, relay("notifications/resources/list_changed"));
    client.setNotificationHandler(PromptListChangedNotificationSchema, relay("notifications/prompts/list_changed"));
    client.setNotificationHandler(LoggingMessageNotificationSchema, relay("notifications/message"));

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
      client.setRequestHandler(ListRootsRequestSchema, async (_request, extra) =>
        this.downstream.request({ method: "roots/list" }, ResultSchema, { signal: extra.signal }) as never,
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
        this.list("resources", "resources/templates/list", "resourceTemplates", request.params, extra.signal, (u, items: ResourceTemplate[]) => {
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
        return upstreamRequest(this.clientOf(upstream), "resources/read", request.params, extra.signal) as never;
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
        this.list("prompts", "prompts/list", "prompts", request.params, extra.signal, (u, items: Prompt[]) =>
          this.isMerged ? items.map((p) => ({ ...p, name: `${u.name}${SEPARATOR}${p.name}` })) : items,
        ),
      );
      server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
        const { upstream, name } = this.resolvePrompt(request.params.name);
        this.session.add({ kind: "prompt_get", server: upstream.name, name, summary: summarise(request.params.arguments ?? {}) });
        return upstreamRequest(this.clientOf(upstream), "prompts/get", { ...request.params, name }, extra.signal) as never;
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
        await Promise.all(
          this.live("logging").map((u) => upstreamRequest(u.client!, "logging/setLevel", request.params, extra.signal)),
        );
        return {};
      });
    }
    server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
      await Promise.all(this.live().map((u) => u.client!.sendRootsListChanged().catch(() => undefined)));
    });
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
    map: (upstream: ManagedUpstream, items: T[]) => T[],
  ): Promise<never> {
    if (!this.isMerged) {
      const [upstream] = this.upstreams;
      const page = (await upstreamRequest(this.clientOf(upstream), method, params, signal)) as Record<string, unknown>;
      return { ...page, [key]: map(upstream, (page[key] as T[]) ?? []) } as never;
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
