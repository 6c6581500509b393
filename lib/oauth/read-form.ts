import { OAuthError } from "./oauth-error";

/**
 * An `application/x-www-form-urlencoded` body as an object (RFC 6749 §3.2: the token
 * endpoint takes only that). A parameter given twice is refused (§3.1), so no
 * parser disagreement can decide which value counts.
 */
export async function readForm(req: Request, maxBytes = 16_384): Promise<Record<string, string>> {
  const mediaType = req.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/x-www-form-urlencoded") throw new OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded");
  const text = await req.text();
  if (text.length > maxBytes) throw new OAuthError("invalid_request", `the body is larger than ${maxBytes} bytes`);
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key in form) throw new OAuthError("invalid_request", `the parameter ${key} is given more than once`);
    if (value !== "") form[key] = value;
  }
  return form;
}
