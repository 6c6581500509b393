import { describe, expect, it } from "vitest";
import { classifyRequestOrigin } from "./request-origin";

const HOST = "127.0.0.1:3000";

describe("classifyRequestOrigin", () => {
  it.each([
    ["our own page", { origin: "http://127.0.0.1:3000" }, "same"],
    ["another site", { origin: "http://evil.example" }, "foreign"],
    ["same host name, other port", { origin: "http://127.0.0.1:4000" }, "foreign"],
    ["a sandboxed frame or file: page", { origin: "null" }, "foreign"],
    ["an opaque origin from another site", { origin: "null", secFetchSite: "cross-site" }, "foreign"],
    ["a same-origin form post Chromium sent with Origin: null", { origin: "null", secFetchSite: "same-origin" }, "same"],
    ["an Origin that is not a URL", { origin: "%%%" }, "foreign"],
    ["the public URL behind a proxy", { origin: "https://airlock.example.com" }, "same"],
    ["no Origin, a cross-site fetch", { secFetchSite: "cross-site" }, "foreign"],
    ["no Origin, a same-site sibling", { secFetchSite: "same-site" }, "foreign"],
    ["no Origin, same-origin", { secFetchSite: "same-origin" }, "absent"],
    ["no browser signal at all", {}, "absent"],
  ] as const)("%s → %s", (_, headers, expected) => {
    const result = classifyRequestOrigin({ host: HOST, ...headers }, "https://airlock.example.com");
    expect(result).toBe(expected);
  });
});
