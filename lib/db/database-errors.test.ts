import { describe, expect, it } from "vitest";
import { isExpiredTransaction, isUniqueViolation } from "./database-errors";

describe("database errors", () => {
  it("knows a unique violation from a model query (P2002) and from a raw one (P2010 with the adapter's kind)", () => {
    expect(isUniqueViolation({ code: "P2002" })).toBe(true);
    expect(isUniqueViolation({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "UniqueConstraintViolation" } } } })).toBe(true);
    expect(isUniqueViolation({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "NullConstraintViolation" } } } })).toBe(false);
    expect(isUniqueViolation(new Error("P2002"))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });

  it("knows an expired transaction only by its code and message", () => {
    expect(isExpiredTransaction({ code: "P2028", message: "Transaction API error: Transaction already closed: ... expired transaction" })).toBe(true);
    expect(isExpiredTransaction({ code: "P2028", message: "Unable to start a transaction in the given time." })).toBe(false);
  });
});
