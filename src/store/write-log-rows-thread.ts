// The request-log thread (node:worker_threads): its own node:sqlite connection to the store's file,
// prepared INSERTs reused for every batch, each batch in one transaction — the inserts and the
// commit (and SQLite's WAL checkpoints, which sync the file) never run on the main thread's event
// loop. Started by start-log-thread.ts when a batch is ready, and stopped by it after an idle time.
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { applySqlitePragmas } from './apply-sqlite-pragmas.ts';
import type { LogThreadReply, LogThreadRequest, LogThreadSettings } from './log-thread-messages.ts';
import { insertSql, logColumns, rowsPerInsert, splitIntoInserts, toSentError } from './log-thread-messages.ts';
import { compactHeap } from '../lib/compact-heap.ts';
import { guardSqliteFile } from './sqlite-file-identity.ts';

function openLogConnection(settings: LogThreadSettings) {
  const database = new DatabaseSync(settings.path, { readOnly: settings.readOnly });
  applySqlitePragmas(database, false);
  const file = guardSqliteFile(settings.path);
  const insertOne = database.prepare(insertSql(1));
  const insertMany = database.prepare(insertSql(rowsPerInsert));
  return {
    /** One transaction: a batch lands whole or not at all, and SQLite commits once per batch. */
    write(values: SQLInputValue[]): void {
      file.assertUnchanged();
      database.exec('BEGIN');
      try {
        let start = 0;
        for (const rows of splitIntoInserts(values.length / logColumns.length)) {
          const end = start + rows * logColumns.length;
          (rows === 1 ? insertOne : insertMany).run(...values.slice(start, end));
          start = end;
        }
        database.exec('COMMIT');
      } catch (error) {
        // SQLite may have rolled back already (SQLITE_FULL, SQLITE_IOERR: lang_transaction.html).
        if (database.isTransaction) database.exec('ROLLBACK');
        throw error;
      }
    },
    close(): void {
      database.close();
    },
  };
}

function serve(port: NonNullable<typeof parentPort>, settings: LogThreadSettings): void {
  // Opened at once (the thread starts when a batch is ready), so the file's identity is taken before
  // that batch; the main thread compares the path with the file it opened before posting each batch
  // (start-log-thread.ts). A failure to open is retried on each batch and reported as its error.
  let connection: ReturnType<typeof openLogConnection> | undefined;
  try {
    connection = openLogConnection(settings);
  } catch {
    connection = undefined;
  }
  port.on('message', (request: LogThreadRequest) => {
    if (request.kind === 'close') {
      connection?.close();
      port.postMessage({ kind: 'closed' } satisfies LogThreadReply);
      port.close();
      return;
    }
    try {
      connection ??= openLogConnection(settings);
      connection.write(request.values);
      port.postMessage({ id: request.id } satisfies LogThreadReply);
    } catch (error) {
      port.postMessage({ id: request.id, error: toSentError(error) } satisfies LogThreadReply);
    }
  });
}

if (parentPort !== null) {
  serve(parentPort, workerData as LogThreadSettings);
  // The thread's own start-up garbage and grown young generation, given back before its first batch
  // (~3 MB of idle RSS; lib/compact-heap.ts).
  compactHeap();
}
