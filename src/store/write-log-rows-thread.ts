// The request-log thread (node:worker_threads): its own node:sqlite connection to the store's file,
// one prepared INSERT reused for every row, each batch in one transaction — the inserts and the
// commit never run on the main thread's event loop. Started and closed by start-log-thread.ts.
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { applySqlitePragmas } from './apply-sqlite-pragmas.ts';
import type { LogThreadReply, LogThreadRequest, LogThreadSettings } from './log-thread-messages.ts';
import { toSentError } from './log-thread-messages.ts';
import type { RequestLogRow } from './ports.ts';
import { toLogTableRow } from './request-log-rows.ts';
import { guardSqliteFile } from './sqlite-file-identity.ts';

/** Every column toLogTableRow fills, in the INSERT's order. */
const columns = [
  'time', 'request_id', 'key_name', 'client_model', 'channel', 'upstream_model', 'client_stream', 'upstream_stream',
  'adaptations', 'attempts', 'status', 'error_code', 'error_message', 'first_token_ms', 'duration_ms', 'prompt_tokens',
  'completion_tokens', 'usage_source', 'client_ip', 'user_agent', 'answered_model', 'overhead_ms', 'capture',
] as const;

const insertSql = `INSERT INTO request_logs (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;

function openLogConnection(settings: LogThreadSettings) {
  const database = new DatabaseSync(settings.path, { readOnly: settings.readOnly });
  applySqlitePragmas(database, false);
  const file = guardSqliteFile(settings.path);
  const insert = database.prepare(insertSql);
  return {
    /** One transaction: a batch lands whole or not at all, and SQLite commits once per batch. */
    write(rows: RequestLogRow[]): void {
      file.assertUnchanged();
      database.exec('BEGIN');
      try {
        for (const row of rows) {
          const tableRow = toLogTableRow(row);
          insert.run(...columns.map((column) => (tableRow[column] ?? null) as SQLInputValue));
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
  // Opened at once, so the file's identity is taken right after the main thread took its own; a
  // failure to open is retried on each batch and reported as that batch's error.
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
      connection.write(request.rows);
      port.postMessage({ id: request.id } satisfies LogThreadReply);
    } catch (error) {
      port.postMessage({ id: request.id, error: toSentError(error) } satisfies LogThreadReply);
    }
  });
}

if (parentPort !== null) serve(parentPort, workerData as LogThreadSettings);
