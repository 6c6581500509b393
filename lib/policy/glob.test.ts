// Property tests: the compiled fast paths (equality, prefix, suffix, substring)
// must decide exactly what the glob means, for any glob and any name.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob } from "./glob";

/** The meaning of a glob, written the slow and obvious way: a backtracking matcher. */
function reference(glob: string, name: string): boolean {
  const match = (g: number, n: number): boolean => {
    if (g === glob.length) return n === name.length;
    if (glob[g] === "*") return match(g + 1, n) || (n < name.length && match(g, n + 1));
    if (n === name.length) return false;
    return (glob[g] === "?" || glob[g] === name[n]) && match(g + 1, n + 1);
  };
  return match(0, 0);
}

// A small alphabet makes matches likely; regex metacharacters must be taken literally.
const chars = fc.constantFrom("a", "b", "_", ".", "+", "(", "$", "\\");
const name = fc.string({ unit: chars, maxLength: 12 });
const glob = fc.string({ unit: fc.oneof(chars, fc.constantFrom("*", "?")), minLength: 1, maxLength: 8 });

describe("compileGlob (properties)", () => {
  it("agrees with the reference matcher for any glob and name", () => {
    fc.assert(
      fc.property(glob, name, (g, n) => compileGlob(g)(n) === reference(g, n)),
      { numRuns: 20_000 },
    );
  });

  it("matches a name built from the glob by filling in its wildcards", () => {
    const filled = glob.chain((g) =>
      fc.tuple(fc.constant(g), fc.array(name, { minLength: g.length, maxLength: g.length }), fc.array(chars, { minLength: g.length, maxLength: g.length })),
    );
    fc.assert(
      fc.property(filled, ([g, runs, singles]) => {
        const n = [...g].map((c, i) => (c === "*" ? runs[i] : c === "?" ? singles[i] : c)).join("");
        return compileGlob(g)(n);
      }),
    );
  });

  it("without wildcards matches only the name itself", () => {
    fc.assert(
      fc.property(
        name.filter((n) => n.length > 0),
        name,
        (g, n) => compileGlob(g)(n) === (g === n),
      ),
    );
  });

  it("knows the edge cases by name", () => {
    expect(compileGlob("*")("")).toBe(true);
    expect(compileGlob("?")("")).toBe(false);
    expect(compileGlob("*write*")("write")).toBe(true);
    expect(compileGlob("a.b")("aXb")).toBe(false);
    expect(compileGlob("**")("anything")).toBe(true);
  });
});
