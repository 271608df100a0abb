// A store that cannot be opened stops start-up with one line: which store, what its database said,
// and what the operator can do about it. main.ts prints it as `sluice: <message>`, no stack.
import type { StoreLocation } from './parse-store-url.ts';

export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}

/** The store as the config names it, the password of a PostgreSQL URL masked. */
export function describeStoreLocation(location: StoreLocation): string {
  if (location.kind === 'sqlite') return `sqlite:${location.path}`;
  try {
    const url = new URL(location.url);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://(unreadable URL)';
  }
}

/** The innermost cause: the migration runner wraps the driver's error. */
function findRootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth += 1) current = current.cause;
  return current;
}

const sqliteAdvice: Record<number, string> = {
  3: 'make the file and its folder writable by the user Sluice runs as',
  5: 'another process holds the database: stop it, or point `store` at another file',
  6: 'another process holds the database: stop it, or point `store` at another file',
  8: 'make the file and its folder writable by the user Sluice runs as',
  10: 'check the disk (space, errors) and the file',
  11: 'move it aside or restore a backup',
  13: 'free disk space',
  14: 'check that the folder exists and Sluice may create and open the file there',
  26: 'move it aside or restore a backup',
};

const postgresAdvice: Record<string, string> = {
  '28P01': 'check the user and password in the store URL',
  '28000': 'check the user in the store URL and pg_hba.conf',
  '3D000': 'create the database, or fix its name in the store URL',
  '25006': 'point the store URL at the primary server, not a read-only standby',
  '53100': 'free disk space on the database server',
  '57P03': 'wait for PostgreSQL to finish starting, then start Sluice again',
};

const fileSystemAdvice: Record<string, string> = {
  EACCES: 'make the folder writable by the user Sluice runs as',
  EPERM: 'make the folder writable by the user Sluice runs as',
  EROFS: 'the file system is read-only: point `store` at a writable folder',
  ENOTDIR: 'a part of the path is a file, not a folder: fix the path',
  ENOSPC: 'free disk space',
  ECONNREFUSED: 'check that PostgreSQL is running and listening at the host and port of the store URL',
  ENOTFOUND: 'check the host name in the store URL',
  ETIMEDOUT: 'check that the database server is reachable from here',
};

function adviseOn(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return 'check the store URL';
  const { code, errcode } = cause as { code?: unknown; errcode?: unknown };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') return sqliteAdvice[errcode & 0xff] ?? 'check the file, or move it aside and start with a new one';
  if (typeof code === 'string') return postgresAdvice[code] ?? fileSystemAdvice[code] ?? 'check the store URL and the database server log';
  return 'check the store URL';
}

/** `store sqlite:./data/sluice.db: file is not a database — move it aside or restore a backup`. */
export function explainOpenFailure(location: StoreLocation, error: unknown): StoreOpenError {
  const cause = findRootCause(error);
  const said = cause instanceof Error ? cause.message : String(cause);
  const where = error instanceof Error && error !== cause && /could not be migrated \(at ([^)]+)\)/.exec(error.message);
  const during = where ? ` (migrating the schema, at ${where[1] ?? ''})` : '';
  return new StoreOpenError(`store ${describeStoreLocation(location)}: ${said}${during} — ${adviseOn(cause)}`, { cause: error });
}
