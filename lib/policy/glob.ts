export type NameMatcher = (name: string) => boolean;

const ANY: NameMatcher = () => true;

/**
 * Compiles a name glob (`*` any run, `?` one character) into the cheapest test
 * that decides it: equality, prefix, suffix, or an anchored RegExp.
 */
export function compileGlob(glob: string): NameMatcher {
  if (glob === "*") return ANY;
  if (!/[*?]/.test(glob)) return (name) => name === glob;
  const inner = glob.slice(1, -1);
  if (glob.startsWith("*") && !/[*?]/.test(glob.slice(1))) {
    const suffix = glob.slice(1);
    return (name) => name.endsWith(suffix);
  }
  if (glob.endsWith("*") && !/[*?]/.test(glob.slice(0, -1))) {
    const prefix = glob.slice(0, -1);
    return (name) => name.startsWith(prefix);
  }
  if (glob.startsWith("*") && glob.endsWith("*") && !/[*?]/.test(inner)) return (name) => name.includes(inner);
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return (name) => re.test(name);
}

export function matchesGlob(glob: string, name: string): boolean {
  return compileGlob(glob)(name);
}
