// What the main thread and the request-log thread say to each other (start-log-thread.ts,
// write-log-rows-thread.ts). A batch crosses encoded by encode-log-rows.ts: the structured clone of
// nested row objects (attempts, adaptations) cost ~10 µs a row on the main thread, a flat array of
// column values a fraction of that (docs/benchmarks.md, "log off the event loop"), two buffers and
// one string less again. Errors cross as plain fields: a structured clone keeps an Error's message
// but drops node:sqlite's `code`/`errcode`, which isStoreUnavailableError reads.
import type { EncodedLogRows } from './encode-log-rows.ts';
import { StoreUnavailableError } from './store-errors.ts';

export interface LogThreadSettings {
  path: string;
  readOnly: boolean;
}

export type LogThreadRequest = { kind: 'write'; id: number; batch: EncodedLogRows } | { kind: 'close' };

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
