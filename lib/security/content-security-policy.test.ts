import { describe, expect, it } from "vitest";
import { buildContentSecurityPolicy } from "./content-security-policy";

describe("buildContentSecurityPolicy", () => {
  it("allows only nonced scripts, no framing, no plugins, and our own WebSocket", () => {
    const csp = buildContentSecurityPolicy({ nonce: "abc123", host: "127.0.0.1:3000" });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:3000 wss://127.0.0.1:3000");
  });

  it("leaves out a Host that could inject directives", () => {
    const csp = buildContentSecurityPolicy({ nonce: "n", host: "evil.example; script-src *" });
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain("evil.example");
  });

  it("adds unsafe-eval only in development", () => {
    expect(buildContentSecurityPolicy({ nonce: "n", isDev: true })).toContain("'unsafe-eval'");
  });

  it("lets a form go to the given redirect origins, and nothing that could inject a directive", () => {
    expect(buildContentSecurityPolicy({ nonce: "n", formTargets: ["http://127.0.0.1:8123/callback?x=1"] })).toContain(
      "form-action 'self' http://127.0.0.1:8123;",
    );
    const csp = buildContentSecurityPolicy({ nonce: "n", formTargets: ["javascript:alert(1)", "not a url", "https://a.example;script-src *"] });
    expect(csp).toContain("form-action 'self';");
  });
});
