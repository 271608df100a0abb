// SQLite through Node's own node:sqlite (no native addon to compile). Kysely has no node:sqlite
// dialect, but its SqliteDialect only needs better-sqlite3's `prepare` and statement shape, so a
// small adapter gives it that over DatabaseSync.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { keepDatabaseFilesPrivate } from './keep-files-private.ts';
import type { Database } from './schema.ts';

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

/** better-sqlite3's Database, as much of it as Kysely uses, over node:sqlite. */
export function adaptDatabaseSync(database: DatabaseSync): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare: (sqlText) => {
      let statement = statements.get(sqlText);
      if (statement === undefined) {
        statement = adaptStatement(database.prepare(sqlText));
        if (statements.size >= statementCacheSize) statements.clear();
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
}

/** Opens (creating the file and its folder on first start) a SQLite database; `:memory:` for none. */
export function openSqliteDatabase(path: string): Kysely<Database> {
  const inMemory = path === ':memory:';
  if (!inMemory) keepDatabaseFilesPrivate(path);
  const database = new DatabaseSync(path);
  // WAL: readers (the admin API) never block the log writer. NORMAL sync is safe with WAL and
  // loses at most the last commits on power loss, never consistency. busy_timeout: a second
  // process on the same file waits rather than failing at once.
  if (!inMemory) database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = NORMAL');
  database.exec('PRAGMA busy_timeout = 5000');
  database.exec('PRAGMA foreign_keys = ON');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: adaptDatabaseSync(database) }) });
}
