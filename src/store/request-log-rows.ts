// A request log row in the port shape ↔ the request_logs table; attempts and adaptations are JSON.
import type { UsageSource } from '../core/chat.ts';
import type { Insertable, Selectable } from 'kysely';
import type { JsonValue, LoggedAttempt, RequestLogRow } from './ports.ts';
import { orNull, orUndefined, parseJsonText, parseStringList, readFlag, readOptionalFlag, toFlag } from './row-values.ts';
import type { RequestLogsTable } from './schema.ts';

/** Integer columns get whole milliseconds: PostgreSQL refuses `12.5` for an integer, and a cursor is made of `time`. */
function wholeMs(value: number): number {
  return Math.round(value);
}

/** A client's User-Agent is kept to this many characters: it is the client's to make any size. */
export const maxUserAgentChars = 256;

function truncate(text: string | undefined, maxChars: number): string | undefined {
  return text === undefined || text.length <= maxChars ? text : text.slice(0, maxChars);
}

type LogTableRow = Insertable<RequestLogsTable>;
type LogColumn = Exclude<keyof LogTableRow, 'id'>;

/** One column of request_logs and its value for a row. */
type LogColumnValue = { readonly [C in LogColumn]: readonly [C, (row: RequestLogRow) => NonNullable<LogTableRow[C]> | null] }[LogColumn];

/**
 * Every column a row fills, in the order a log-thread batch lays out its values
 * (log-thread-messages.ts): the one mapping of a row to its columns. The thread's batches are written
 * from it value by value, with no object per row in between (docs/benchmarks.md "Round nineteen").
 */
export const logColumnValues = [
  ['time', (row) => wholeMs(row.time)],
  ['request_id', (row) => row.requestId],
  ['key_name', (row) => orNull(row.keyName)],
  ['client_model', (row) => row.clientModel],
  ['channel', (row) => orNull(row.channel)],
  ['upstream_model', (row) => orNull(row.upstreamModel)],
  ['client_stream', (row) => toFlag(row.clientStream)],
  ['upstream_stream', (row) => (row.upstreamStream === undefined ? null : toFlag(row.upstreamStream))],
  // Most rows adapted nothing: no JSON.stringify for an empty list.
  ['adaptations', (row) => (row.adaptations.length === 0 ? '[]' : JSON.stringify(row.adaptations))],
  ['attempts', (row) => JSON.stringify(row.attempts)],
  ['status', (row) => row.status],
  ['error_code', (row) => orNull(row.errorCode)],
  ['error_message', (row) => orNull(row.errorMessage)],
  ['first_token_ms', (row) => (row.firstTokenMs === undefined ? null : wholeMs(row.firstTokenMs))],
  ['duration_ms', (row) => wholeMs(row.durationMs)],
  ['prompt_tokens', (row) => orNull(row.promptTokens)],
  ['completion_tokens', (row) => orNull(row.completionTokens)],
  ['usage_source', (row) => orNull(row.usageSource)],
  ['client_ip', (row) => orNull(row.clientIp)],
  ['user_agent', (row) => orNull(truncate(row.userAgent, maxUserAgentChars))],
  ['answered_model', (row) => orNull(row.answeredModel)],
  ['overhead_ms', (row) => orNull(row.overheadMs)],
  ['capture', (row) => orNull(row.capture)],
  ['ingress', (row) => orNull(row.ingress)],
  ['cost_usd', (row) => orNull(row.costUsd)],
  ['cached_prompt_tokens', (row) => orNull(row.cachedPromptTokens)],
  ['request_bytes', (row) => orNull(row.requestBytes)],
  ['response_bytes', (row) => orNull(row.responseBytes)],
] as const satisfies readonly LogColumnValue[];

/** A column the list above leaves out is a compile error here, which names it. */
type UnlistedColumn = Exclude<LogColumn, (typeof logColumnValues)[number][0]>;
const _everyColumnListed: [UnlistedColumn] extends [never] ? true : UnlistedColumn = true;

export function toLogTableRow(row: RequestLogRow): LogTableRow {
  const tableRow: Record<string, unknown> = {};
  for (const [column, value] of logColumnValues) tableRow[column] = value(row);
  return tableRow as unknown as LogTableRow;
}

function readNumber(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function readString(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** JSON drops undefined fields; put every field of an attempt back, absent ones as undefined. */
function parseAttempts(text: string): LoggedAttempt[] {
  const value = parseJsonText(text);
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return [];
    return [
      {
        channel: readString(item.channel) ?? '',
        upstreamModel: readString(item.upstreamModel) ?? '',
        upstreamStream: item.upstreamStream === true,
        status: readNumber(item.status),
        errorCode: readString(item.errorCode),
        durationMs: readNumber(item.durationMs) ?? 0,
        countsAgainstChannel: item.countsAgainstChannel === true,
      },
    ];
  });
}

/** A bigint column: a number from SQLite, a string from PostgreSQL. */
function readByteCount(value: number | string | null): number | undefined {
  return value === null ? undefined : Number(value);
}

function readUsageSource(value: string | null): UsageSource | undefined {
  return value === 'upstream' || value === 'estimated' || value === 'units' ? value : undefined;
}

export function fromLogTableRow(row: Selectable<RequestLogsTable>): RequestLogRow {
  return {
    time: row.time,
    requestId: row.request_id,
    keyName: orUndefined(row.key_name),
    clientModel: row.client_model,
    clientStream: readFlag(row.client_stream),
    channel: orUndefined(row.channel),
    upstreamModel: orUndefined(row.upstream_model),
    upstreamStream: readOptionalFlag(row.upstream_stream),
    adaptations: parseStringList(row.adaptations),
    attempts: parseAttempts(row.attempts),
    status: row.status,
    errorCode: orUndefined(row.error_code),
    errorMessage: orUndefined(row.error_message),
    firstTokenMs: orUndefined(row.first_token_ms),
    durationMs: row.duration_ms,
    promptTokens: orUndefined(row.prompt_tokens),
    completionTokens: orUndefined(row.completion_tokens),
    usageSource: readUsageSource(row.usage_source),
    clientIp: orUndefined(row.client_ip),
    userAgent: orUndefined(row.user_agent),
    answeredModel: orUndefined(row.answered_model),
    overheadMs: orUndefined(row.overhead_ms),
    capture: orUndefined(row.capture),
    ingress: orUndefined(row.ingress),
    costUsd: orUndefined(row.cost_usd),
    cachedPromptTokens: orUndefined(row.cached_prompt_tokens),
    requestBytes: readByteCount(row.request_bytes),
    responseBytes: readByteCount(row.response_bytes),
  };
}
