// Errors the store raises on purpose, so callers can answer 409 rather than 500.

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
