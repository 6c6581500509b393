const cache = new Map<string, RegExp>();

/** Compiles a name glob (`*` any run, `?` one character) to an anchored RegExp, memoised. */
export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`);
    cache.set(glob, re);
  }
  return re;
}

export function matchesGlob(glob: string, name: string): boolean {
  return glob === "*" || globToRegExp(glob).test(name);
}
