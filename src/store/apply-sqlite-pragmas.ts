// The settings every connection to Sluice's SQLite file runs with: the store's own (open-sqlite.ts)
// and the request-log thread's (write-log-rows-thread.ts). No Kysely here: the thread loads only this.
import type { DatabaseSync } from 'node:sqlite';

/** How long a connection waits for another's write lock (the other connection, or another process). */
export const sqliteBusyTimeoutMs = 5000;

/**
 * WAL: readers (the admin API) never block the log writer. NORMAL sync is safe with WAL and loses at
 * most the last commits on power loss, never consistency. busy_timeout: a second connection on the
 * same file waits rather than failing at once.
 */
export function applySqlitePragmas(database: DatabaseSync, inMemory: boolean): void {
  if (!inMemory) database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = NORMAL');
  database.exec(`PRAGMA busy_timeout = ${String(sqliteBusyTimeoutMs)}`);
  database.exec('PRAGMA foreign_keys = ON');
}
