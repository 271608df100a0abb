// The config's `store:` value → which database and where.

export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/**
 * `sqlite:./data/sluice.db` (relative to the working directory), `sqlite:/abs/file.db`,
 * `sqlite:///abs/file.db`, `sqlite::memory:`, `postgres://…` or `postgresql://…`.
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) {
    const rest = url.slice('sqlite:'.length);
    const path = rest.startsWith('//') ? rest.slice(2) : rest;
    if (path === '') throw new Error('The store URL "sqlite:" names no file: write sqlite:./data/sluice.db or sqlite::memory:.');
    return { kind: 'sqlite', path };
  }
  // Only the scheme is echoed: the rest may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? 'no scheme';
  throw new Error(`The store URL (${scheme}) is not one Sluice can open: write sqlite:<path> or postgres://user:pass@host/db.`);
}
