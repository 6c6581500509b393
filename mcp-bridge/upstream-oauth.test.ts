import { afterEach, describe, expect, it } from "vitest";
import { ClientCredentialsToken, type TOAuthClientCredentials, ZOAuthClientCredentials } from "./upstream-oauth";

// The token endpoint is faked here (what it is sent, what it answers); the integration test
// (test/integration/upstream-oauth.integration.test.ts) runs the real thing against oidc-provider.

const SECRET = "s3cret:with/odd chars";
const CONFIG: TOAuthClientCredentials = ZOAuthClientCredentials.parse({
  tokenUrl: "https://auth.example.com/token",
  clientId: "bridge client",
  clientSecret: SECRET,
  scope: "billing.read",
  resource: "https://billing.example.com/mcp",
});

type Sent = { url: string; headers: Headers; body: URLSearchParams };

function fakeEndpoint(answers: { status: number; body: unknown }[]) {
  const sent: Sent[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    sent.push({ url, headers: new Headers(init.headers), body: init.body as URLSearchParams });
    const answer = answers.shift() ?? { status: 500, body: { error: "server_error" } };
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "content-type": "application/json" } });
  }) as unknown as typeof fetch;
  return { sent, fetchImpl };
}

const tokens: ClientCredentialsToken[] = [];
afterEach(() => {
  for (const t of tokens.splice(0)) t.close();
});

function tokenFor(config: TOAuthClientCredentials, answers: { status: number; body: unknown }[], clock = { now: 1_000_000 }) {
  const endpoint = fakeEndpoint(answers);
  let changes = 0;
  const token = new ClientCredentialsToken(
    "billing",
    config,
    () => changes++,
    endpoint.fetchImpl,
    () => clock.now,
  );
  tokens.push(token);
  return { token, ...endpoint, changes: () => changes, clock };
}

describe("OAuth client credentials for an HTTP upstream", () => {
  it("asks the token endpoint with HTTP Basic (each part form-encoded), the scope and the resource, and sends the bearer token", async () => {
    const { token, sent, changes } = tokenFor(CONFIG, [{ status: 200, body: { access_token: "at-1", token_type: "Bearer", expires_in: 600 } }]);
    await token.start();
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe("https://auth.example.com/token");
    expect(Object.fromEntries(sent[0].body)).toEqual({ grant_type: "client_credentials", scope: "billing.read", resource: "https://billing.example.com/mcp" });
    const basic = Buffer.from(sent[0].headers.get("authorization")!.replace(/^Basic /, ""), "base64").toString();
    expect(basic).toBe(`${encodeURIComponent("bridge client")}:${encodeURIComponent(SECRET)}`);
    expect(token.authorization()).toBe("Bearer at-1");
    expect(changes()).toBe(1);
  });

  it("puts the client in the body with client_secret_post", async () => {
    const { token, sent } = tokenFor({ ...CONFIG, authMethod: "client_secret_post" }, [{ status: 200, body: { access_token: "at-1", token_type: "bearer" } }]);
    await token.start();
    expect(sent[0].headers.has("authorization")).toBe(false);
    expect(sent[0].body.get("client_id")).toBe("bridge client");
    expect(sent[0].body.get("client_secret")).toBe(SECRET);
  });

  it("sends nothing without a current token: before the first, and once it expired", async () => {
    const { token, clock } = tokenFor(CONFIG, [
      { status: 200, body: { access_token: "at-1", token_type: "Bearer", expires_in: 60 } },
      { status: 503, body: { error: "temporarily_unavailable" } },
    ]);
    expect(() => token.authorization()).toThrow('no OAuth access token for upstream "billing" yet');
    await token.start();
    expect(token.isCurrent()).toBe(true);
    clock.now += 60_001;
    expect(token.isCurrent()).toBe(false);
    expect(() => token.authorization()).toThrow(/no OAuth access token for upstream "billing"/);
  });

  it("names the endpoint's refusal without the secret, and refuses what is not a bearer token", async () => {
    const refused = tokenFor(CONFIG, [{ status: 401, body: { error: "invalid_client", error_description: "client authentication failed" } }]);
    await refused.token.start();
    let message = "";
    try {
      refused.token.authorization();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('no OAuth access token for upstream "billing": the token endpoint refused (401 invalid_client: client authentication failed)');
    expect(message).not.toContain(SECRET);

    const mac = tokenFor(CONFIG, [{ status: 200, body: { access_token: "at-1", token_type: "mac" } }]);
    await mac.token.start();
    expect(() => mac.token.authorization()).toThrow(/not a bearer token \(token_type: only bearer tokens are supported\)/);
  });

  it("refuses a token endpoint the client secret would reach in clear", () => {
    const parsed = ZOAuthClientCredentials.safeParse({ ...CONFIG, tokenUrl: "http://auth.example.com/token" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].message).toMatch(/must be https/);
    expect(ZOAuthClientCredentials.safeParse({ ...CONFIG, tokenUrl: "http://127.0.0.1:8080/token" }).success).toBe(true);
  });
});
