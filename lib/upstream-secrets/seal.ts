import { openSecret, sealSecret } from "../crypto/secret-box";

// Each value is sealed under the upstream-secrets key and bound to where it belongs: a sealed
// value copied onto another row (another bridge, upstream or variable) does not open.

const PURPOSE = "upstream-secrets";

type Where = { scope: string; upstream: string; kind: string; name: string };

const contextOf = (w: Where) => JSON.stringify([w.scope, w.upstream, w.kind, w.name]);

export function sealUpstreamSecret(value: string, where: Where): string {
  return sealSecret(value, { purpose: PURPOSE, context: contextOf(where) });
}

export function openUpstreamSecret(ciphertext: string, where: Where): string {
  return openSecret(ciphertext, { purpose: PURPOSE, context: contextOf(where) });
}
