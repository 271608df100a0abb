// The one log line per request, as pino would write it — `{"level":…,"time":…,<bindings>,<fields>,
// "msg":…}` — but serialized with one JSON.stringify and handed to the logger's own stream:
// pino's generic path (a type switch and an escape per field, safe-stable-stringify for the
// attempts) cost ~6 µs of the ~8 µs per line (docs/benchmarks.md "Non-stream path"). Used only for a
// plain pino logger (no hooks, mixin, prefix, redaction, custom formatters or multistream); any other
// logger gets the line through pino itself, so what is written is the same either way.
import { pino, type Level, type Logger } from 'pino';
import type { RequestRecord } from '../relay/request-record.ts';

const symbols = pino.symbols;
/** Missing from pino's type declarations, present at runtime (pino 9+). */
const msgPrefixSym = (symbols as unknown as Record<string, symbol | undefined>)['msgPrefixSym'];

/** pino's own default formatters, to tell a logger that changed them. */
const defaultFormatters = (pino({}, { write: () => undefined }) as unknown as Record<symbol, { level: unknown; log: unknown; bindings: unknown }>)[symbols.formattersSym];

interface PinoInternals {
  [key: symbol]: unknown;
}

function isPlainPino(logger: Logger): boolean {
  const internals = logger as unknown as PinoInternals;
  const hooks = internals[symbols.hooksSym] as { logMethod?: unknown; streamWrite?: unknown } | undefined;
  const formatters = internals[symbols.formattersSym] as { level: unknown; log: unknown } | undefined;
  const stream = internals[symbols.streamSym] as { write?: unknown } | undefined;
  return (
    hooks?.logMethod === undefined &&
    hooks?.streamWrite === undefined &&
    internals[symbols.mixinSym] === undefined &&
    (msgPrefixSym === undefined || internals[msgPrefixSym] === undefined) &&
    internals[symbols.needsMetadataGsym] !== true &&
    internals[symbols.nestedKeySym] === null &&
    internals[symbols.redactFmtSym] === undefined &&
    formatters?.level === defaultFormatters?.level &&
    formatters?.log === defaultFormatters?.log &&
    typeof stream?.write === 'function'
  );
}

/** The level of a request's line: errors for 5xx, warnings for 4xx. */
export function levelOf(status: number): Level {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

/** What the line holds: every field of the record but its capture, then the key. */
type RequestLineFields = Omit<RequestRecord, 'capture'> & { key: string | undefined };

/**
 * The line's fields: the record without its capture (full bodies go to the store, never to the log),
 * the key, the attempts last. One object literal of a fixed shape, in the order the record's fields
 * were created (request-record.ts createRequestRecord; `cache` is set later, so it follows them). A
 * rest copy of the record (`{ capture, ...rest }`) took V8's generic property copy, and the line cost
 * ~0.45 µs more (docs/benchmarks.md "Round fifteen"). The type makes a field added to the record a
 * compile error here until it is placed.
 */
export function requestLineFields(record: RequestRecord, keyName: string | undefined): RequestLineFields {
  return {
    requestId: record.requestId,
    clientModel: record.clientModel,
    clientStream: record.clientStream,
    channel: record.channel,
    upstreamModel: record.upstreamModel,
    upstreamStream: record.upstreamStream,
    answeredModel: record.answeredModel,
    adaptations: record.adaptations,
    status: record.status,
    errorCode: record.errorCode,
    errorMessage: record.errorMessage,
    firstTokenMs: record.firstTokenMs,
    waitMs: record.waitMs,
    overheadMs: record.overheadMs,
    durationMs: record.durationMs,
    promptTokens: record.promptTokens,
    completionTokens: record.completionTokens,
    usageSource: record.usageSource,
    cachedPromptTokens: record.cachedPromptTokens,
    requestBytes: record.requestBytes,
    responseBytes: record.responseBytes,
    cacheWritePromptTokens: record.cacheWritePromptTokens,
    costUsd: record.costUsd,
    ingress: record.ingress,
    cache: record.cache,
    key: keyName,
    attempts: record.attempts,
  } satisfies Required<RequestLineFields>;
}

export function requestLineMessage(record: RequestRecord): string {
  return `${record.clientModel} ${record.status} ${Math.round(record.durationMs)}ms`;
}

export type WriteRequestLine = (record: RequestRecord, keyName: string | undefined) => void;

export function createRequestLineWriter(logger: Logger): WriteRequestLine {
  if (!isPlainPino(logger)) {
    return (record, keyName) => {
      logger[levelOf(record.status)](requestLineFields(record, keyName), requestLineMessage(record));
    };
  }
  const internals = logger as unknown as PinoInternals;
  const stream = internals[symbols.streamSym] as { write(line: string): unknown };
  const time = internals[symbols.timeSym] as () => string;
  const messageKey = JSON.stringify(internals[symbols.messageKeySym]);
  return (record, keyName) => {
    const level = levelOf(record.status);
    if (!logger.isLevelEnabled(level)) return;
    // The bindings are read per line: a logger's bindings can change (setBindings).
    const bindings = internals[symbols.chindingsSym] as string;
    const fields = JSON.stringify(requestLineFields(record, keyName));
    const rest = fields.length > 2 ? `,${fields.slice(1, -1)}` : '';
    stream.write(`{"level":${logger.levels.values[level] ?? 30}${time()}${bindings}${rest},${messageKey}:${JSON.stringify(requestLineMessage(record))}}\n`);
  };
}
