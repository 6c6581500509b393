import { createHash } from "node:crypto";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { EVERY_BRIDGE } from "./resolve-scope";
import { openUpstreamSecret } from "./seal";
import type { TBridgeSecrets } from "./upstream-secrets.types";

/**
 * The secrets one bridge hands to its upstreams, opened: the bridge's own entries over the
 * ones for every bridge. `version` changes whenever any of them does (a digest of ids and
 * versions, not of values). A value that cannot be opened (the server secret changed) stops
 * the answer: a bridge must not start an upstream with a credential silently missing.
 */
export async function secretsForBridge(bridgeId: string): Promise<TBridgeSecrets> {
  const rows = await db.upstreamSecret.findMany({
    where: { scope: { in: [EVERY_BRIDGE, bridgeId] } },
    orderBy: [{ upstream: "asc" }, { kind: "asc" }, { name: "asc" }, { scope: "asc" }],
  });
  // The bridge's own entry wins: apply "*" first.
  rows.sort((a, b) => Number(a.scope !== EVERY_BRIDGE) - Number(b.scope !== EVERY_BRIDGE));
  const upstreams: TBridgeSecrets["upstreams"] = {};
  const digest = createHash("sha256");
  for (const row of rows) {
    let value: string;
    try {
      value = openUpstreamSecret(row.ciphertext, row);
    } catch {
      throw new AppError("unavailable", {
        message: `the upstream secret ${row.kind} ${row.name} of ${row.upstream} cannot be opened (was the server secret changed?): set it again`,
      });
    }
    upstreams[row.upstream] ??= { env: {}, headers: {} };
    const entry = upstreams[row.upstream];
    if (row.kind === "env") entry.env[row.name] = value;
    else entry.headers[row.name] = value;
    digest.update(`${row.id}:${row.version}\n`);
  }
  return { version: digest.digest("hex").slice(0, 16), upstreams };
}
