import { describe, expect, it } from "vitest";
import { ZOidcClaims } from "./sign-in-with-oidc.types";

describe("ZOidcClaims", () => {
  it("keeps the claims it does not know (the role claim among them)", () => {
    const parsed = ZOidcClaims.parse({ iss: "https://idp", sub: "42", groups: ["a"] });
    expect(parsed).toEqual({ iss: "https://idp", sub: "42", groups: ["a"] });
  });

  it.each([
    [true, true],
    ["true", true],
    ["false", false],
    [undefined, undefined],
  ])("reads email_verified %s as %s", (raw, expected) => {
    expect(ZOidcClaims.parse({ iss: "i", sub: "s", email_verified: raw }).email_verified).toBe(expected);
  });

  it("cuts a long name and ignores one that is not a string", () => {
    expect(ZOidcClaims.parse({ iss: "i", sub: "s", name: ` ${"x".repeat(200)} ` }).name).toBe("x".repeat(120));
    expect(ZOidcClaims.parse({ iss: "i", sub: "s", name: { first: "A" } }).name).toBeUndefined();
  });

  it.each([
    ["no sub", { iss: "i" }],
    ["an empty sub", { iss: "i", sub: "" }],
    ["a numeric sub", { iss: "i", sub: 42 }],
    ["no iss", { sub: "s" }],
    ["email_verified that is neither", { iss: "i", sub: "s", email_verified: "yes" }],
  ])("refuses %s", (_name, claims) => {
    expect(ZOidcClaims.safeParse(claims).success).toBe(false);
  });
});
