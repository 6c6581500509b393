import { GRANT_META_KEY } from "../lib/grants/grant.types";
import type { GrantSigner } from "../lib/grants/mint-grant";
import type { TUpstreamSpec } from "./upstream-spec";

/** What a call's grant says: which tool of which upstream, which arguments, for whom, approved by whom. */
export interface CallGrantInput {
  upstream: string;
  /** The tool's name as the upstream knows it. */
  tool: string;
  argumentsHash: string;
  principal?: string;
  approval?: { id: string; approvers: string[] };
}

/** Grants are on but no key can sign now: the call is refused, never forwarded without its grant. */
export class GrantUnavailableError extends Error {}

/** Mints each forwarded call's grant (GateDeps.grants). */
export interface CallGrants {
  /** Whether a grant can be minted now. */
  readonly isReady: boolean;
  /** The `_meta` entry carrying the call's grant; throws GrantUnavailableError when no key can sign. */
  mint(input: CallGrantInput): { [GRANT_META_KEY]: string };
}

/**
 * The audience an upstream's grants name: set with `--grant-audience name=AUD`, else
 * an HTTP upstream's URL (origin and path, the resource it serves, as in RFC 8707),
 * else a stdio upstream's name.
 */
export function audienceOf(spec: TUpstreamSpec, configured?: string): string {
  if (configured) return configured;
  return spec.kind === "http" ? `${spec.url.origin}${spec.url.pathname}` : spec.name;
}

export function createCallGrants({ keys, audiences }: { keys: { readonly signer: GrantSigner | null }; audiences: ReadonlyMap<string, string> }): CallGrants {
  return {
    get isReady() {
      return keys.signer !== null;
    },
    mint({ upstream, tool, argumentsHash, principal, approval }) {
      const signer = keys.signer;
      if (!signer) throw new GrantUnavailableError("no grant-signing key is registered with the dashboard yet");
      const audience = audiences.get(upstream);
      if (!audience) throw new GrantUnavailableError(`no audience is known for the upstream ${upstream}`);
      return { [GRANT_META_KEY]: signer.mint({ audience, tool, argumentsHash, principal, approval }) };
    },
  };
}
