import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSignInConfig } from "./oidc-config";

const BASE = {
  AIRLOCK_OIDC_ISSUER: "https://idp.example.com/realms/main",
  AIRLOCK_OIDC_CLIENT_ID: "airlock",
  AIRLOCK_OIDC_CLIENT_SECRET: "s3cret",
  AIRLOCK_OIDC_ROLE_MAP: "airlock-admins=admin, airlock-reviewers=reviewer,airlock-auditors=auditor",
};

describe("readSignInConfig", () => {
  it("without an issuer: passwords only, SSO off", () => {
    expect(readSignInConfig({})).toEqual({ isPasswordSignInOn: true, oidc: null });
  });

  it("reads a full configuration with its defaults", () => {
    const config = readSignInConfig(BASE);
    expect(config.isPasswordSignInOn).toBe(true);
    expect(config.oidc).toEqual({
      issuer: BASE.AIRLOCK_OIDC_ISSUER,
      clientId: "airlock",
      clientSecret: "s3cret",
      name: "SSO",
      scopes: "openid email profile",
      roleClaim: "groups",
      roleMap: new Map([
        ["airlock-admins", "admin"],
        ["airlock-reviewers", "reviewer"],
        ["airlock-auditors", "auditor"],
      ]),
      defaultRole: null,
      linkByEmail: "verified",
    });
  });

  it("reads the client secret from a file, trimmed", () => {
    const file = join(mkdtempSync(join(tmpdir(), "airlock-oidc-")), "secret");
    writeFileSync(file, "from-file\n");
    const { AIRLOCK_OIDC_CLIENT_SECRET: _, ...env } = BASE;
    expect(readSignInConfig({ ...env, AIRLOCK_OIDC_CLIENT_SECRET_FILE: file }).oidc?.clientSecret).toBe("from-file");
  });

  it("password sign-in off with SSO", () => {
    expect(readSignInConfig({ ...BASE, AIRLOCK_PASSWORD_SIGNIN: "off" }).isPasswordSignInOn).toBe(false);
  });

  it.each([
    ["an issuer that is not a URL", { AIRLOCK_OIDC_ISSUER: "idp.example.com" }, /AIRLOCK_OIDC_ISSUER: must be the issuer's http\(s\) URL/],
    ["an issuer with another scheme", { AIRLOCK_OIDC_ISSUER: "ftp://idp.example.com" }, /AIRLOCK_OIDC_ISSUER/],
    ["no client id", { AIRLOCK_OIDC_CLIENT_ID: undefined }, /AIRLOCK_OIDC_CLIENT_ID: is required with AIRLOCK_OIDC_ISSUER/],
    ["no client secret", { AIRLOCK_OIDC_CLIENT_SECRET: undefined }, /set exactly one of AIRLOCK_OIDC_CLIENT_SECRET and AIRLOCK_OIDC_CLIENT_SECRET_FILE/],
    ["both secret and secret file", { AIRLOCK_OIDC_CLIENT_SECRET_FILE: "/x" }, /set exactly one/],
    [
      "a secret file that cannot be read",
      { AIRLOCK_OIDC_CLIENT_SECRET: undefined, AIRLOCK_OIDC_CLIENT_SECRET_FILE: "/nonexistent/secret" },
      /cannot read \/nonexistent\/secret \(ENOENT\)/,
    ],
    ["no role map and no default", { AIRLOCK_OIDC_ROLE_MAP: undefined }, /AIRLOCK_OIDC_ROLE_MAP: is required/],
    ["a role map entry with no role", { AIRLOCK_OIDC_ROLE_MAP: "airlock-admins" }, /"airlock-admins" is not <claim value>=admin\|reviewer\|auditor/],
    ["a role map entry with an unknown role", { AIRLOCK_OIDC_ROLE_MAP: "ops=root" }, /"ops=root" is not/],
    ["scopes without openid", { AIRLOCK_OIDC_SCOPES: "email profile" }, /AIRLOCK_OIDC_SCOPES: must include openid/],
    ["an unknown default role", { AIRLOCK_OIDC_DEFAULT_ROLE: "owner" }, /AIRLOCK_OIDC_DEFAULT_ROLE/],
    ["password sign-in neither on nor off", { AIRLOCK_PASSWORD_SIGNIN: "no" }, /AIRLOCK_PASSWORD_SIGNIN/],
    [
      "password sign-in off without SSO",
      { AIRLOCK_OIDC_ISSUER: undefined, AIRLOCK_PASSWORD_SIGNIN: "off" },
      /AIRLOCK_PASSWORD_SIGNIN: off needs AIRLOCK_OIDC_ISSUER/,
    ],
  ])("refuses %s, naming the variable", (_name, change, message) => {
    const env = Object.fromEntries(Object.entries({ ...BASE, ...change }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
    expect(() => readSignInConfig(env)).toThrow(message);
  });

  it("a default role alone is enough (every SSO user gets it unless mapped higher)", () => {
    const { AIRLOCK_OIDC_ROLE_MAP: _, ...env } = BASE;
    expect(readSignInConfig({ ...env, AIRLOCK_OIDC_DEFAULT_ROLE: "auditor" }).oidc?.defaultRole).toBe("auditor");
  });

  it("never puts the client secret in an error message", () => {
    expect(() => readSignInConfig({ ...BASE, AIRLOCK_OIDC_CLIENT_SECRET_FILE: "/x" })).toThrow(/^(?!.*s3cret)/s);
  });
});
