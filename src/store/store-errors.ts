// Errors the store raises on purpose, so callers can answer 409 or 503 rather than 500.

/** A name (or key) that must be unique is already stored. */
export class StoreConflictError extends Error {
  readonly field: string;

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreConflictError';
    this.field = field;
  }
}

export function isStoreConflictError(value: unknown): value is StoreConflictError {
  return value instanceof StoreConflictError;
}

/**
 * Whether a driver error is a unique-constraint violation: SQLite's SQLITE_CONSTRAINT_UNIQUE (2067)
 * or SQLITE_CONSTRAINT_PRIMARYKEY (1555) from node:sqlite, PostgreSQL's SQLSTATE 23505 from pg.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return code === '23505' || errcode === 2067 || errcode === 1555;
}

/** Runs `write`, turning a unique-constraint violation into a StoreConflictError. */
export async function guardUnique<T>(field: string, message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreConflictError(field, message, { cause: error });
    throw error;
  }
}

/** The store cannot take writes now (file gone or replaced, read-only, disk full, database down). */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * SQLite primary result codes (https://www.sqlite.org/rescode.html) that say the database cannot be
 * used as it stands, not that the query was wrong: PERM 3, BUSY 5, LOCKED 6, READONLY 8, IOERR 10,
 * CORRUPT 11, FULL 13, CANTOPEN 14, PROTOCOL 15, NOTADB 26. node:sqlite gives the extended code in
 * `errcode`; its low byte is the primary code.
 */
const unavailableSqliteCodes = new Set([3, 5, 6, 8, 10, 11, 13, 14, 15, 26]);

/**
 * PostgreSQL SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html) of the
 * same kind: 08 connection exception, 53 insufficient resources (disk full), 57 operator intervention
 * (shutdown), 58 system error (I/O), XX internal (data corrupted); and 25006, a read-only transaction
 * (a standby, or `default_transaction_read_only`).
 */
const unavailablePostgresClasses = new Set(['08', '53', '57', '58', 'XX']);

/** Socket errors from the pg client, and its pool's own wording when the server is gone. */
const unavailableSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const unavailablePoolWording = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** Whether an error says the store cannot be used now (→ 503 store_unavailable), not that Sluice erred. */
export function isStoreUnavailableError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode, message } = error as { code?: unknown; errcode?: unknown; message?: unknown };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') return unavailableSqliteCodes.has(errcode & 0xff);
  if (typeof code === 'string' && unavailableSocketCodes.has(code)) return true;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code === '25006' || unavailablePostgresClasses.has(code.slice(0, 2));
  return typeof message === 'string' && unavailablePoolWording.test(message);
}
