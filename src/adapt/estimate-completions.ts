// Token counts for the legacy Completions endpoint, with the tokenizer of estimate-usage.ts: the
// reservation a key's limits take before the call, and the usage Sluice reports when the upstream
// gave none. The prompt is a string, strings, or token ids (counted as they are); `suffix` is prompt
// text too (fill-in-the-middle).
import type { Usage } from '../core/chat.ts';
import type { CompletionsRequest } from '../core/completions.ts';
import { countTokens } from './count-tokens.ts';

const plainText = { disallowedSpecial: new Set<string>() };

function count(text: string): number {
  return text === '' ? 0 : countTokens(text, plainText);
}

/** A prompt's tokens: strings counted, token ids taken one for one. */
export function countPromptTokens(prompt: unknown): number {
  const items: unknown[] = Array.isArray(prompt) ? prompt : [prompt];
  if (items.every((item) => typeof item === 'number')) return items.length;
  let tokens = 0;
  for (const item of items) {
    if (typeof item === 'string') tokens += count(item);
    else if (Array.isArray(item)) tokens += item.length;
  }
  return tokens;
}

function promptTokensOf(request: CompletionsRequest): number {
  return countPromptTokens(request.prompt) + (typeof request.suffix === 'string' ? count(request.suffix) : 0);
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * The prompt, and the completion cap for each generated choice: `best_of` candidates are generated
 * (and billed) when it exceeds `n` (OpenAI API reference, `best_of`). Without `max_tokens`, the
 * configured default, as for chat.
 */
export function estimateCompletionsParts(request: CompletionsRequest, defaultCompletionTokens: number): { prompt: number; completion: number } {
  const choices = Math.max(positive(request.n) ?? 1, positive(request.best_of) ?? 1);
  return { prompt: promptTokensOf(request), completion: choices * (positive(request.max_tokens) ?? defaultCompletionTokens) };
}

export function estimateCompletionsUsage(request: CompletionsRequest, completionText: string): Usage {
  const promptTokens = promptTokensOf(request);
  const completionTokens = count(completionText);
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}
