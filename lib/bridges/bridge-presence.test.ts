import { describe, expect, it, vi } from "vitest";
import { graceMs } from "./bridge-presence";

describe("AIRLOCK_BRIDGE_GRACE_SECONDS", () => {
  it("takes a positive number of seconds", () => {
    expect(graceMs(undefined)).toBe(30_000);
    expect(graceMs("5")).toBe(5_000);
    expect(graceMs("0.5")).toBe(500);
  });

  it.each(["", "abc", "0", "-3", "Infinity"])("falls back to 30 s for %j rather than never expiring a gone bridge's requests", (value) => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(graceMs(value)).toBe(30_000);
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });
});
