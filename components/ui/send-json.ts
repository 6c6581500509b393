/** Sends JSON to the dashboard's API from the browser; returns the body, or the server's error message. */
export async function sendJson<T = unknown>(
  url: string,
  method: "POST" | "PUT" | "PATCH" | "DELETE",
  body: unknown,
): Promise<{ ok: true; data: T } | { ok: false; status: number; message: string; details?: unknown }> {
  const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  if (res.ok) return { ok: true, data: json as T };
  return { ok: false, status: res.status, message: json?.error?.message ?? `failed (${res.status})`, details: json?.error?.details };
}
