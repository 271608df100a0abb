// What the main thread and the request-log thread say to each other (start-log-thread.ts,
// write-log-rows-thread.ts). A batch crosses as one flat array of column values, row after row: the
// structured clone of nested row objects (attempts, adaptations) cost ~10 µs a row on the main
// thread, a flat array of strings and numbers a fraction of that (docs/benchmarks.md, "log off the
// event loop"). Errors cross as plain fields: a structured clone keeps an Error's message but drops
// node:sqlite's `code`/`errcode`, which isStoreUnavailableError reads.
import type { SQLInputValue } from 'node:sqlite';
import type { RequestLogRow } from './ports.ts';
import { logColumnValues } from './request-log-rows.ts';
import { StoreUnavailableError } from './store-errors.ts';

/** Every column a row fills, in the order a batch's values are laid out and inserted (request-log-rows.ts). */
export const logColumns: readonly string[] = logColumnValues.map(([column]) => column);

/**
 * Rows per INSERT statement: one statement of ten rows costs SQLite's statement step and reset once
 * instead of ten times, ~1.3 µs a row less of the thread's CPU in a 200-row batch (docs/benchmarks.md
 * "Fixed per-request work, round seven"; 25 and 50 rows measured the same as 10). 280 parameters,
 * far under SQLite's bound of 32,766.
 */
export const rowsPerInsert = 10;

/** The INSERT of `rows` rows, every column of logColumns in its order. */
export function insertSql(rows: number): string {
  const row = `(${logColumns.map(() => '?').join(', ')})`;
  return `INSERT INTO request_logs (${logColumns.join(', ')}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}`;
}

/** The rows each INSERT of a batch takes, in order: whole statements of `rowsPerInsert`, then the rest one by one. */
export function splitIntoInserts(rowCount: number): number[] {
  const runs: number[] = [];
  let left = rowCount;
  for (; left >= rowsPerInsert; left -= rowsPerInsert) runs.push(rowsPerInsert);
  for (; left > 0; left -= 1) runs.push(1);
  return runs;
}

/** The rows' column values, `logColumns.length` per row, in logColumns order. */
export function flattenLogRows(rows: readonly RequestLogRow[]): SQLInputValue[] {
  // Made at its final length: pushed onto, a batch's 5,600 values grew the array by copies, ~0.5 KB a row.
  const values = new Array<SQLInputValue>(rows.length * logColumnValues.length);
  let at = 0;
  for (const row of rows) {
    for (const [, value] of logColumnValues) values[at++] = value(row);
  }
  return values;
}

export interface LogThreadSettings {
  path: string;
  readOnly: boolean;
}

export type LogThreadRequest = { kind: 'write'; id: number; values: SQLInputValue[] } | { kind: 'close' };

export interface SentError {
  name: string;
  message: string;
  code?: unknown;
  errcode?: unknown;
}

export type LogThreadReply = { id: number; error?: SentError } | { kind: 'closed' };

export function toSentError(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }), ...(errcode === undefined ? {} : { errcode }) };
}

export function fromSentError(sent: SentError): Error {
  if (sent.name === 'StoreUnavailableError') return new StoreUnavailableError(sent.message);
  const error = new Error(sent.message);
  error.name = sent.name;
  return Object.assign(error, sent.code === undefined ? {} : { code: sent.code }, sent.errcode === undefined ? {} : { errcode: sent.errcode });
}
