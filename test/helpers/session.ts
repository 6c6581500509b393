import { afterBlockingCalls, type Dashboard } from "./dashboard";

/** Signs in through next-auth's credentials flow like a browser form would; returns the Cookie header. */
export async function signIn(dashboard: Dashboard, email: string, password: string): Promise<string | null> {
  await afterBlockingCalls();
  const csrfRes = await fetch(`${dashboard.url}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = pair.split("=");
      jar.set(name, value.join("="));
    }
  };
  keep(csrfRes);
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${dashboard.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  keep(res);
  return [...jar.keys()].some((k) => k.endsWith("next-auth.session-token")) ? cookieHeader() : null;
}
