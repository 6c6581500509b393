import { describe, expect, it } from "vitest";
import { isAllowedRedirectUri, ZAuthorizeRequest, ZTokenRequest } from "./oauth.types";

describe("isAllowedRedirectUri", () => {
  it.each([
    ["https://app.example/callback", true],
    ["http://127.0.0.1:33418/callback", true],
    ["http://localhost/cb", true],
    ["http://[::1]:8080/cb", true],
    ["http://app.example/callback", false],
    ["http://127.0.0.1.evil.example/cb", false],
    ["https://app.example/cb#fragment", false],
    ["https://user:pass@app.example/cb", false],
    ["javascript:alert(1)", false],
    ["cursor://callback", false],
    ["not a url", false],
  ])("%s → %s", (uri, allowed) => {
    expect(isAllowedRedirectUri(uri)).toBe(allowed);
  });
});

describe("ZAuthorizeRequest", () => {
  const valid = {
    response_type: "code",
    client_id: "alk_cli_x",
    redirect_uri: "http://127.0.0.1:1/cb",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
    resource: "https://bridge.example/mcp",
  };

  it("takes a PKCE S256 request with a resource", () => {
    expect(ZAuthorizeRequest.parse(valid)).toEqual(valid);
  });

  it.each([
    [{ code_challenge_method: "plain" }, "code_challenge_method"],
    [{ code_challenge_method: undefined }, "code_challenge_method"],
    [{ response_type: "token" }, "response_type"],
    [{ code_challenge: "short" }, "code_challenge"],
    [{ resource: undefined }, "resource"],
    [{ resource: "https://bridge.example/mcp#x" }, "resource"],
    [{ scope: "mcp admin" }, "scope"],
  ])("refuses %j (%s)", (change, field) => {
    const result = ZAuthorizeRequest.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual([field]);
  });
});

describe("ZTokenRequest", () => {
  it("refuses a verifier outside RFC 7636's 43–128 unreserved characters", () => {
    const base = { grant_type: "authorization_code", code: "c", redirect_uri: "http://127.0.0.1:1/cb", client_id: "x" };
    expect(ZTokenRequest.safeParse({ ...base, code_verifier: "a".repeat(42) }).success).toBe(false);
    expect(ZTokenRequest.safeParse({ ...base, code_verifier: "a".repeat(129) }).success).toBe(false);
    expect(ZTokenRequest.safeParse({ ...base, code_verifier: `${"a".repeat(42)}+` }).success).toBe(false);
    expect(ZTokenRequest.safeParse({ ...base, code_verifier: "a".repeat(43) }).success).toBe(true);
  });
});
