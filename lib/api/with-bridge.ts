import type { NextRequest } from "next/server";
import { BRIDGE_INSTANCE_HEADER } from "../bridge-api/bridge-api.types";
import { parseInstance, touchBridgeInstance } from "../bridges/bridge-presence";
import { authenticateBridge } from "../bridges/bridge-tokens";
import { AppError } from "../errors/app-error";
import { handleApiError } from "./handle-api-error";

type RouteContext<P> = { params: Promise<P> };
export type BridgeHandler<P> = (req: NextRequest, ctx: { params: P; bridge: { id: string; name: string } }) => Promise<Response>;

/** Wraps a bridge route: only a valid bridge token gets in; a bridge can never act as a user. */
export function withBridge<P = Record<string, never>>(handler: BridgeHandler<P>) {
  return async (req: NextRequest, ctx: RouteContext<P>): Promise<Response> => {
    try {
      const token = req.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
      const bridge = await authenticateBridge(token);
      if (!bridge) throw new AppError("unauthorized", { message: "a valid bridge token is required" });
      // Any request shows the bridge process alive (one whose socket cannot connect polls over HTTP).
      touchBridgeInstance(parseInstance(req.headers.get(BRIDGE_INSTANCE_HEADER)), Date.now(), bridge.id);
      return await handler(req, { params: await ctx.params, bridge });
    } catch (error) {
      return handleApiError(error);
    }
  };
}
