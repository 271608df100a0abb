// Glob matching for model names: `*` matches any run of characters, `?` one character.

const compiled = new Map<string, RegExp>();

function compileGlob(glob: string): RegExp {
  let regex = compiled.get(glob);
  if (regex === undefined) {
    const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`);
    compiled.set(glob, regex);
  }
  return regex;
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function matchesGlob(glob: string, name: string): boolean {
  return isGlob(glob) ? compileGlob(glob).test(name) : glob === name;
}

/** The value of the most specific matching key: an exact key wins, then the longest glob. */
export function lookupByGlob<T>(table: Record<string, T>, name: string): T | undefined {
  if (Object.hasOwn(table, name)) return table[name];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (isGlob(key) && matchesGlob(key, name) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}
