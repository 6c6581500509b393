import { describe, expect, it } from "vitest";
import { generateToken, hashToken, tokenKind } from "./tokens";

describe("tokens", () => {
  it("are random, typed by prefix, and stored only as a SHA-256 hash", () => {
    const a = generateToken("pat");
    const b = generateToken("pat");
    expect(a.token).not.toBe(b.token);
    expect(a.token).toMatch(/^alk_pat_[\w-]{43}$/);
    expect(a.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.tokenHash).not.toContain(a.token);
    expect(hashToken(a.token)).toBe(a.tokenHash);
    expect(a.token.startsWith(a.prefix)).toBe(true);
    expect(a.prefix.length).toBeLessThan(16);
  });

  it("tell a bridge token from a personal one, and reject anything else", () => {
    expect(tokenKind(generateToken("bridge").token)).toBe("bridge");
    expect(tokenKind(generateToken("pat").token)).toBe("pat");
    expect(tokenKind("Bearer xyz")).toBeNull();
    expect(tokenKind("")).toBeNull();
  });

  it("hash differently for a one-character change", () => {
    const { token } = generateToken("bridge");
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect(hashToken(tampered)).not.toBe(hashToken(token));
  });
});
