// SQLite through Node's own node:sqlite (no native addon to compile). Kysely has no node:sqlite
// dialect, but its SqliteDialect only needs better-sqlite3's `prepare` and statement shape, so a
// small adapter gives it that over DatabaseSync.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { applySqlitePragmas } from './apply-sqlite-pragmas.ts';
import { keepDatabaseFilesPrivate } from './keep-files-private.ts';
import type { Database } from './schema.ts';
import { guardSqliteFile, type SqliteFileGuard } from './sqlite-file-identity.ts';

/** Prepared statements kept per SQL text; the store issues a few dozen distinct ones. */
const statementCacheSize = 200;

/** node:sqlite binds only null, numbers, bigints, strings and bytes; Kysely may hand it booleans. */
function toSqliteValue(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`node:sqlite cannot bind a ${typeof value} parameter`);
}

function adaptStatement(statement: StatementSync): SqliteStatement {
  const bind = (parameters: ReadonlyArray<unknown>): SQLInputValue[] => parameters.map(toSqliteValue);
  return {
    // A statement that yields columns (SELECT, or anything with RETURNING) is read with all().
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...bind(parameters)),
    run: (parameters) => statement.run(...bind(parameters)),
    iterate: (parameters) => statement.iterate(...bind(parameters)),
  };
}

/** Called before each statement that may write; throws to refuse it (the file is gone, say). */
export type WriteCheck = () => void;

/** Statements that only read never need the write check. */
function onlyReads(sqlText: string): boolean {
  return /^\s*select\b/i.test(sqlText);
}

/**
 * `rollback` after SQLite already rolled the transaction back itself (it does on SQLITE_FULL,
 * SQLITE_IOERR, SQLITE_BUSY, SQLITE_NOMEM: https://www.sqlite.org/lang_transaction.html) fails
 * with "cannot rollback - no transaction is active", and Kysely would throw that instead of the
 * error that caused it. With no transaction open, a rollback has nothing to do.
 */
function adaptRollback(database: DatabaseSync, statement: SqliteStatement): SqliteStatement {
  const skip = () => ({ changes: 0, lastInsertRowid: 0 });
  return { ...statement, run: (parameters) => (database.isTransaction ? statement.run(parameters) : skip()) };
}

function withWriteCheck(statement: SqliteStatement, checkWrite: WriteCheck): SqliteStatement {
  return {
    reader: statement.reader,
    all: (parameters) => {
      checkWrite();
      return statement.all(parameters);
    },
    run: (parameters) => {
      checkWrite();
      return statement.run(parameters);
    },
    iterate: (parameters) => {
      checkWrite();
      return statement.iterate(parameters);
    },
  };
}

/** better-sqlite3's Database, as much of it as Kysely uses, over node:sqlite. */
export function adaptDatabaseSync(database: DatabaseSync, checkWrite?: WriteCheck): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  const adapt = (sqlText: string): SqliteStatement => {
    const statement = adaptStatement(database.prepare(sqlText));
    if (/^\s*rollback\s*$/i.test(sqlText)) return adaptRollback(database, statement);
    return checkWrite === undefined || onlyReads(sqlText) ? statement : withWriteCheck(statement, checkWrite);
  };
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare: (sqlText) => {
      let statement = statements.get(sqlText);
      if (statement === undefined) {
        statement = adapt(sqlText);
        if (statements.size >= statementCacheSize) statements.clear();
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
}

export interface SqliteOptions {
  /**
   * Open the file read-only, as SQLite itself does when the file is write-protected (every write
   * then fails with "attempt to write a readonly database"). Tests use it: as root, chmod does not
   * stop writes.
   */
  readOnly?: boolean;
}

export interface OpenedSqlite {
  db: Kysely<Database>;
  /** undefined for `:memory:`. */
  file: SqliteFileGuard | undefined;
}

/** Opens (creating the file and its folder on first start) a SQLite database; `:memory:` for none. */
export function openSqliteDatabase(path: string, options: SqliteOptions = {}): OpenedSqlite {
  const inMemory = path === ':memory:';
  if (!inMemory) keepDatabaseFilesPrivate(path);
  const database = new DatabaseSync(path, { readOnly: options.readOnly === true });
  try {
    applySqlitePragmas(database, inMemory);
  } catch (error) {
    database.close();
    throw error;
  }
  // Every write first checks that the path still names the file open (see sqlite-file-identity.ts).
  const file = inMemory ? undefined : guardSqliteFile(path);
  const dialect = new SqliteDialect({ database: adaptDatabaseSync(database, file === undefined ? undefined : () => { file.assertUnchanged(); }) });
  return { db: new Kysely<Database>({ dialect }), file };
}
