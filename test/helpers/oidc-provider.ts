// A real OpenID Provider for tests: the certified `oidc-provider` package on a free loopback
// port, with one confidential client for the dashboard (code flow, PKCE required) and test
// accounts with groups. Its development-only allowances (plain http on loopback, generated
// signing keys, the built-in login and consent pages) stay here, in the tests.
import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";
import { freePort } from "./dashboard";

export interface TestAccount {
  /** The login typed on the provider's sign-in page; also the `sub`. */
  login: string;
  email?: string;
  /** Default true; null: the claim is left out (the IdP says nothing either way). */
  emailVerified?: boolean | null;
  name?: string;
  groups?: string[];
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The environment that points a dashboard at this provider (add AIRLOCK_OIDC_ROLE_MAP and friends). */
  env: Record<string, string>;
  /** Adds or replaces an account (its claims are read at each sign-in, so groups can change between sign-ins). */
  setAccount(account: TestAccount): void;
  stop(): Promise<void>;
}

export const TEST_CLIENT_ID = "airlock-dashboard";
const TEST_CLIENT_SECRET = "test-client-secret-0123456789abcdef";

/** Starts the provider; `dashboardUrl` is the dashboard the client may send people back to. */
export async function startOidcProvider({ dashboardUrl, accounts = [] }: { dashboardUrl: string; accounts?: TestAccount[] }): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const byLogin = new Map(accounts.map((a) => [a.login, a]));
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: [`${dashboardUrl}/api/auth/callback/oidc`],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    scopes: ["openid", "email", "profile", "groups"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    cookies: { keys: ["airlock-test-oidc-cookie-key"] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = byLogin.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          const current = byLogin.get(id) ?? account;
          return {
            sub: id,
            ...(current.email ? { email: current.email } : {}),
            ...(current.email && current.emailVerified !== null ? { email_verified: current.emailVerified ?? true } : {}),
            ...(current.name ? { name: current.name } : {}),
            groups: current.groups ?? [],
          };
        },
      };
    },
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    issuer,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    env: {
      AIRLOCK_OIDC_ISSUER: issuer,
      AIRLOCK_OIDC_CLIENT_ID: TEST_CLIENT_ID,
      AIRLOCK_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
      AIRLOCK_OIDC_NAME: "Test IdP",
      AIRLOCK_OIDC_SCOPES: "openid email profile groups",
    },
    setAccount(account) {
      byLogin.set(account.login, account);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A cookie jar for plain fetch across the dashboard and the provider (both on 127.0.0.1, like a browser: cookies by host). */
class Jar {
  private cookies = new Map<string, string>();
  keep(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...value] = pair.split("=");
      const isExpired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (isExpired || value.join("=") === "") this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join("="));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  names() {
    return [...this.cookies.keys()];
  }
}

export interface OidcHttpSignIn {
  /** Where the dashboard sent the browser at the end: the callback URL, or `/signin?error=…`. */
  location: string;
  /** The Cookie header with the session, or null when no session was issued. */
  cookie: string | null;
}

/**
 * The whole authorization code flow as a browser would run it, with plain HTTP: the dashboard's
 * SSO start, the provider's real login and consent pages (forms posted), the dashboard's callback.
 */
export async function signInThroughOidcHttp(dashboardUrl: string, login: string): Promise<OidcHttpSignIn> {
  const jar = new Jar();
  const csrf = await fetch(`${dashboardUrl}/api/auth/csrf`);
  jar.keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const start = await fetch(`${dashboardUrl}/api/auth/signin/oidc`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${dashboardUrl}/`, json: "true" }),
  });
  jar.keep(start);
  let url = ((await start.json()) as { url: string }).url;
  if (!url.startsWith("http")) throw new Error(`the dashboard did not start single sign-on: ${url}`);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { redirect: "manual", ...init, headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.keep(res);
    init = {};
    const next = res.headers.get("location");
    if (next) {
      const target = new URL(next, url);
      // Back on the dashboard after its callback: the end of the flow.
      if (target.origin === dashboardUrl && !target.pathname.startsWith("/api/auth/callback")) {
        await res.body?.cancel();
        return { location: target.href, cookie: jar.names().some((n) => n.endsWith("next-auth.session-token")) ? jar.header() : null };
      }
      await res.body?.cancel();
      url = target.href;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action || !prompt) throw new Error(`unexpected page at ${url} (HTTP ${res.status}): ${html.slice(0, 300)}`);
    const body = prompt === "login" ? new URLSearchParams({ prompt, login, password: "any" }) : new URLSearchParams({ prompt });
    url = new URL(action.replace(/&amp;/g, "&"), url).href;
    init = { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } };
  }
  throw new Error("single sign-on did not finish within 20 redirects");
}

export interface TestTokenServer {
  issuer: string;
  tokenUrl: string;
  introspectionUrl: string;
  stop(): Promise<void>;
}

/**
 * An OAuth authorization server (the same `oidc-provider`) for machine clients: the client
 * credentials grant for `clients` and token introspection for `resourceServers`. Access tokens
 * live `accessTokenSeconds`.
 */
export async function startTokenServer({
  clients,
  resourceServers,
  scopes,
  accessTokenSeconds,
}: {
  clients: { clientId: string; clientSecret: string; scope: string }[];
  resourceServers: { clientId: string; clientSecret: string }[];
  scopes: string[];
  accessTokenSeconds: number;
}): Promise<TestTokenServer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      ...clients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: "client_secret_basic" as const,
        scope: c.scope,
      })),
      ...resourceServers.map((r) => ({
        client_id: r.clientId,
        client_secret: r.clientSecret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: "client_secret_basic" as const,
      })),
    ],
    scopes,
    features: { clientCredentials: { enabled: true }, introspection: { enabled: true }, devInteractions: { enabled: false } },
    ttl: { ClientCredentials: accessTokenSeconds },
    cookies: { keys: ["airlock-test-token-server-key"] },
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    issuer,
    tokenUrl: `${issuer}/token`,
    introspectionUrl: `${issuer}/token/introspection`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
