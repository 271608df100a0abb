// The exact response cache's key (docs/caching.md): a hash of a canonical form of every request
// field that can change the answer. Fields that only shape the delivery (`stream`, `stream_options`)
// or name the end user (`user`) are left out, so a non-stream answer serves a streaming request and
// the other way round.
import { createHash } from 'node:crypto';
import type { ChatCompletion, ChatRequest } from '../core/chat.ts';

/** Request fields that do not change the answer's content. */
export const fieldsOutsideCacheKey: readonly string[] = Object.freeze(['stream', 'stream_options', 'user']);

/** Finish reasons of answers never stored: cut short (`length`) or filtered (`content_filter`). */
const incompleteFinishReasons: ReadonlySet<string> = new Set(['length', 'content_filter']);

/** JSON with every object's keys sorted, so two requests that differ only in key order read the same. */
export function writeCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => writeCanonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${writeCanonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The cache key of `request` for the model it resolved to: a SHA-256 of its canonical form, hex. */
export function computeCacheKey(request: ChatRequest, resolvedModel: string = request.model): string {
  const fields: Record<string, unknown> = { ...request, model: resolvedModel };
  for (const field of fieldsOutsideCacheKey) Reflect.deleteProperty(fields, field);
  return createHash('sha256').update(writeCanonicalJson(fields)).digest('hex');
}

/** `n > 1` asks for several samples: one stored answer would repeat them, so it is never cached. */
export function isCacheableRequest(request: ChatRequest): boolean {
  const { n } = request;
  return n === undefined || n === null || n === 1;
}

/** Only whole answers are stored: at least one choice, each ended with a finish reason that is not a cut or a filter. */
export function isCacheableCompletion(completion: ChatCompletion): boolean {
  if (completion.choices.length === 0) return false;
  return completion.choices.every((choice) => choice.finish_reason !== null && !incompleteFinishReasons.has(choice.finish_reason));
}
