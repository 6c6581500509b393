import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with node:http, for what fetch cannot do: send from another local
 * address (`localAddress: "127.0.0.2"` reaches a server on 127.0.0.1 from a second
 * loopback address, a second client as far as the server's socket can tell), or send
 * headers fetch forbids.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers, localAddress: options.localAddress, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Signs in through next-auth's credentials flow from a chosen local address; returns the Cookie header, or null when refused. */
export async function signInFrom(
  baseUrl: string,
  email: string,
  password: string,
  options: { localAddress?: string; headers?: Record<string, string> } = {},
): Promise<string | null> {
  const jar = new Map<string, string>();
  const keep = (res: RawResponse) => {
    const lines = res.headers["set-cookie"] ?? [];
    for (const line of Array.isArray(lines) ? lines : [lines]) {
      const [pair] = line.split(";");
      const [name, ...value] = pair.split("=");
      jar.set(name, value.join("="));
    }
  };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await rawRequest(`${baseUrl}/api/auth/csrf`, { localAddress: options.localAddress });
  keep(csrf);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const res = await rawRequest(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    localAddress: options.localAddress,
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(), ...options.headers },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
  keep(res);
  return [...jar.keys()].some((k) => k.endsWith("next-auth.session-token")) ? cookieHeader() : null;
}
