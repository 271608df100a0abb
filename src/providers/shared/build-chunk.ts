// The canonical chunk shapes a non-OpenAI dialect's stream parser yields: content deltas, one finish
// chunk, and one usage chunk with `choices: []` at the end (docs/wire-formats.md 0.2). The relay's
// client shaping (model name, usage only when asked) runs after the parser.
import type { ChatCompletionChunk, ChunkChoice, ChunkDelta, Usage } from '../../core/chat.ts';

export interface ChunkIdentity {
  id: string;
  /** Unix seconds; 0 when the upstream gives no time (providers have no clock). */
  created: number;
  model: string;
}

export function buildChunk(identity: ChunkIdentity, choices: ChunkChoice[]): ChatCompletionChunk {
  return { id: identity.id, object: 'chat.completion.chunk', created: identity.created, model: identity.model, choices };
}

export function deltaChunk(identity: ChunkIdentity, delta: ChunkDelta, index = 0): ChatCompletionChunk {
  return buildChunk(identity, [{ index, delta, finish_reason: null }]);
}

export function finishChunk(identity: ChunkIdentity, finishReason: string, index = 0): ChatCompletionChunk {
  return buildChunk(identity, [{ index, delta: {}, finish_reason: finishReason }]);
}

export function usageChunk(identity: ChunkIdentity, usage: Usage): ChatCompletionChunk {
  return { ...buildChunk(identity, []), usage };
}

/** OpenAI's usage shape; the detail blocks only when the upstream counted them. */
export function buildUsage(counts: { prompt: number; completion: number; total?: number; cached?: number; reasoning?: number }): Usage {
  const usage: Usage = {
    prompt_tokens: counts.prompt,
    completion_tokens: counts.completion,
    total_tokens: counts.total ?? counts.prompt + counts.completion,
  };
  if (counts.cached !== undefined) usage.prompt_tokens_details = { cached_tokens: counts.cached };
  if (counts.reasoning !== undefined) usage.completion_tokens_details = { reasoning_tokens: counts.reasoning };
  return usage;
}

/** A count field from an upstream usage object: a number, else 0. */
export function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
