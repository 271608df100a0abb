// A batch of request log rows as it crosses to the request-log thread (start-log-thread.ts →
// write-log-rows-thread.ts): the numbers of every row in one Float64Array (NULL as NaN), the texts
// of every row joined into one string, with their lengths in an Int32Array (NULL as −1). A
// structured clone then copies two buffers and one string instead of 28 values a row, and the
// thread slices its texts out instead of deserializing each: per row ~0.7 µs less on the main
// thread and ~0.5 µs less on the log thread than a flat array of column values (docs/benchmarks.md,
// "Non-stream CPU, round five"). One table says every column's name, kind and value, so the
// INSERT's column order and the batch's layout cannot drift apart.
import type { SQLInputValue } from 'node:sqlite';
import type { RequestLogRow } from './ports.ts';
import { maxUserAgentChars, truncate, wholeMs } from './request-log-rows.ts';
import type { RequestLogsTable } from './schema.ts';

type ColumnName = Exclude<keyof RequestLogsTable, 'id'>;

/** A column and how a row fills it: as toLogTableRow (request-log-rows.ts) does, undefined for NULL. */
type LogColumn =
  | { name: ColumnName; kind: 'number'; read: (row: RequestLogRow) => number | undefined }
  | { name: ColumnName; kind: 'text'; read: (row: RequestLogRow) => string | undefined };

function flagOf(value: boolean | undefined): number | undefined {
  return value === undefined ? undefined : value ? 1 : 0;
}

export const logColumnTable: readonly LogColumn[] = [
  { name: 'time', kind: 'number', read: (row) => wholeMs(row.time) },
  { name: 'request_id', kind: 'text', read: (row) => row.requestId },
  { name: 'key_name', kind: 'text', read: (row) => row.keyName },
  { name: 'client_model', kind: 'text', read: (row) => row.clientModel },
  { name: 'channel', kind: 'text', read: (row) => row.channel },
  { name: 'upstream_model', kind: 'text', read: (row) => row.upstreamModel },
  { name: 'client_stream', kind: 'number', read: (row) => flagOf(row.clientStream) },
  { name: 'upstream_stream', kind: 'number', read: (row) => flagOf(row.upstreamStream) },
  { name: 'adaptations', kind: 'text', read: (row) => JSON.stringify(row.adaptations) },
  { name: 'attempts', kind: 'text', read: (row) => JSON.stringify(row.attempts) },
  { name: 'status', kind: 'number', read: (row) => row.status },
  { name: 'error_code', kind: 'text', read: (row) => row.errorCode },
  { name: 'error_message', kind: 'text', read: (row) => row.errorMessage },
  { name: 'first_token_ms', kind: 'number', read: (row) => (row.firstTokenMs === undefined ? undefined : wholeMs(row.firstTokenMs)) },
  { name: 'duration_ms', kind: 'number', read: (row) => wholeMs(row.durationMs) },
  { name: 'prompt_tokens', kind: 'number', read: (row) => row.promptTokens },
  { name: 'completion_tokens', kind: 'number', read: (row) => row.completionTokens },
  { name: 'usage_source', kind: 'text', read: (row) => row.usageSource },
  { name: 'client_ip', kind: 'text', read: (row) => row.clientIp },
  { name: 'user_agent', kind: 'text', read: (row) => truncate(row.userAgent, maxUserAgentChars) },
  { name: 'answered_model', kind: 'text', read: (row) => row.answeredModel },
  { name: 'overhead_ms', kind: 'number', read: (row) => row.overheadMs },
  { name: 'capture', kind: 'text', read: (row) => row.capture },
  { name: 'ingress', kind: 'text', read: (row) => row.ingress },
  { name: 'cost_usd', kind: 'number', read: (row) => row.costUsd },
  { name: 'cached_prompt_tokens', kind: 'number', read: (row) => row.cachedPromptTokens },
  { name: 'request_bytes', kind: 'number', read: (row) => row.requestBytes },
  { name: 'response_bytes', kind: 'number', read: (row) => row.responseBytes },
];

/** Every column the thread inserts, in the order of a row's values. */
export const logColumns: readonly ColumnName[] = logColumnTable.map((column) => column.name);

const numberColumns = logColumnTable.filter((column) => column.kind === 'number').length;
const textColumns = logColumnTable.length - numberColumns;

export interface EncodedLogRows {
  rows: number;
  /** `numberColumns` a row, in table order; NaN: NULL (SQLite stores a NaN as NULL too). */
  numbers: Float64Array;
  /** `textColumns` a row, in table order: each text's length in `text`; −1: NULL. */
  lengths: Int32Array;
  /** The texts, one after another. */
  text: string;
}

export function encodeLogRows(rows: readonly RequestLogRow[]): EncodedLogRows {
  const numbers = new Float64Array(rows.length * numberColumns);
  const lengths = new Int32Array(rows.length * textColumns);
  const texts: string[] = [];
  let nextNumber = 0;
  let nextText = 0;
  for (const row of rows) {
    for (const column of logColumnTable) {
      if (column.kind === 'number') {
        numbers[nextNumber++] = column.read(row) ?? Number.NaN;
        continue;
      }
      const text = column.read(row);
      if (text !== undefined) texts.push(text);
      lengths[nextText++] = text === undefined ? -1 : text.length;
    }
  }
  return { rows: rows.length, numbers, lengths, text: texts.join('') };
}

/** Calls `each` with every row's values in logColumns order; the array is reused from row to row. */
export function decodeLogRows(encoded: EncodedLogRows, each: (values: SQLInputValue[]) => void): void {
  const { numbers, lengths, text } = encoded;
  const values: SQLInputValue[] = new Array<SQLInputValue>(logColumnTable.length).fill(null);
  let nextNumber = 0;
  let nextText = 0;
  let offset = 0;
  for (let row = 0; row < encoded.rows; row += 1) {
    for (let index = 0; index < logColumnTable.length; index += 1) {
      if (logColumnTable[index]?.kind === 'number') {
        const value = numbers[nextNumber++] ?? Number.NaN;
        values[index] = Number.isNaN(value) ? null : value;
        continue;
      }
      const length = lengths[nextText++] ?? -1;
      if (length < 0) {
        values[index] = null;
        continue;
      }
      values[index] = text.slice(offset, offset + length);
      offset += length;
    }
    each(values);
  }
}
