// How many tokens a request may spend, known before it is relayed: what per-key limits and quotas
// reserve when they admit it (issue 12). The prompt is counted with the same tokenizer as
// estimate-usage.ts; the completion is the client's own cap, or a configured default when it gave
// none (the request may then use more: that overrun is settled after the answer, never forgiven).
import { countTokens } from './count-tokens.ts';
import type { ChatRequest, JsonObject } from '../core/chat.ts';
import type { EmbeddingsRequest } from '../core/embeddings.ts';
import { estimateUsage } from './estimate-usage.ts';

/** A positive whole number from a number or a numeric string (clients send `"max_tokens": "100"`). */
function readCount(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/** `max_completion_tokens` (current) or `max_tokens` (deprecated): the most the answer may use. */
function readCompletionCap(request: JsonObject): number | undefined {
  return readCount(request.max_completion_tokens) ?? readCount(request.max_tokens);
}

/**
 * Prompt tokens + the completion cap for each of the `n` choices asked for; the cap is
 * `defaultCompletionTokens` when the request sets none.
 */
export function estimateChatReservation(request: ChatRequest, defaultCompletionTokens: number): number {
  const { prompt, completion } = estimateChatParts(request, defaultCompletionTokens);
  return prompt + completion;
}

/** The same estimate in its two parts, which a budget prices apart (docs/cost.md). */
export function estimateChatParts(request: ChatRequest, defaultCompletionTokens: number): { prompt: number; completion: number } {
  const prompt = estimateUsage(request, '').prompt_tokens;
  const choices = readCount(request.n) ?? 1;
  return { prompt, completion: choices * (readCompletionCap(request) ?? defaultCompletionTokens) };
}

/** Embeddings answer with no completion: the input's tokens (token arrays count as they are). */
export function estimateEmbeddingsReservation(request: EmbeddingsRequest): number {
  const items: unknown[] = Array.isArray(request.input) ? request.input : [request.input];
  if (items.every((item) => typeof item === 'number')) return items.length;
  let tokens = 0;
  for (const item of items) {
    if (typeof item === 'string') tokens += item === '' ? 0 : countTokens(item, { disallowedSpecial: new Set() });
    else if (Array.isArray(item)) tokens += item.length;
  }
  return tokens;
}
