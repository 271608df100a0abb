import { describe, expect, it } from 'vitest';
import { parseStoreUrl } from './parse-store-url.ts';

describe('parseStoreUrl', () => {
  it('reads SQLite paths, relative, absolute and in memory', () => {
    expect(parseStoreUrl('sqlite:./data/sluice.db')).toEqual({ kind: 'sqlite', path: './data/sluice.db' });
    expect(parseStoreUrl('sqlite:/var/lib/sluice.db')).toEqual({ kind: 'sqlite', path: '/var/lib/sluice.db' });
    expect(parseStoreUrl('sqlite:///var/lib/sluice.db')).toEqual({ kind: 'sqlite', path: '/var/lib/sluice.db' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
  });

  it('passes PostgreSQL URLs through whole', () => {
    expect(parseStoreUrl('postgres://u:p@db:5432/sluice')).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/sluice' });
    expect(parseStoreUrl('postgresql://db/sluice')).toEqual({ kind: 'postgres', url: 'postgresql://db/sluice' });
  });

  it('refuses an empty SQLite path and unknown schemes', () => {
    expect(() => parseStoreUrl('sqlite:')).toThrow(/names no file/);
    expect(() => parseStoreUrl('./data/sluice.db')).toThrow(/\(no scheme\)/);
  });
});
