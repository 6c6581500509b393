// The MCP client's side of OAuth as a desktop MCP client implements it (the SDK's
// OAuthClientProvider), kept in memory. "Opening the browser" is the test's `authorize`:
// it plays the user (over HTTP or in Chromium) and resolves with the URL the dashboard sent
// the browser back to. Used with the SDK's own StreamableHTTPClientTransport `authProvider`.
import { type OAuthClientProvider, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";

export class InMemoryOAuthClient implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier?: string;
  /** The code the last authorization sent back (undefined when the user denied). */
  code?: string;
  authorizationUrl?: URL;

  constructor(private readonly options: { redirectUri: string; clientName: string; authorize: (url: URL) => Promise<URL> }) {}

  get redirectUrl() {
    return this.options.redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.options.clientName,
      redirect_uris: [this.options.redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }

  clientInformation() {
    return this.info;
  }

  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }

  tokens() {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }

  async redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
    const back = await this.options.authorize(url);
    if (back.origin + back.pathname !== this.options.redirectUri) throw new Error(`sent back to ${back.href}, not to ${this.options.redirectUri}`);
    this.code = back.searchParams.get("code") ?? undefined;
  }

  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }

  codeVerifier() {
    if (!this.verifier) throw new Error("no code verifier saved");
    return this.verifier;
  }
}

/**
 * Connects the SDK's client to an OAuth-protected MCP endpoint the way MCP clients do: the
 * first attempt gets 401 and runs discovery, registration and the authorization; the code is
 * exchanged (PKCE); a second connection carries the token.
 */
export async function connectWithOAuth(url: string, provider: InMemoryOAuthClient, clientName = "oauth-agent"): Promise<Client> {
  const first = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  const refused = await new Client({ name: clientName, version: "1.0.0" }).connect(first).then(
    () => null,
    (error: unknown) => error,
  );
  if (!(refused instanceof UnauthorizedError)) throw new Error(`expected the first connection to need authorization, got ${String(refused)}`);
  if (!provider.code) throw new Error("the authorization sent back no code");
  await first.finishAuth(provider.code);
  const client = new Client({ name: clientName, version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  return client;
}
