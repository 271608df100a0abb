// Builders for OpenAI-style `chat.completion.chunk` and `chat.completion` JSON text. Key order is
// the order of the object literals, so an emulator reproduces its upstream's field order by choosing
// `head` (between `model` and `choices`) and `tail` (after `choices`) fields.
import type { JsonObject } from './emulator-server.ts';

export interface ChunkIdentity {
  id: string;
  created: number;
  model: string;
  /** Fields written between `model` and `choices`, e.g. OpenAI's service_tier, system_fingerprint. */
  head?: JsonObject;
}

export function chunkJson(identity: ChunkIdentity, choices: readonly unknown[], tail: JsonObject = {}): string {
  const { id, created, model, head = {} } = identity;
  return JSON.stringify({ id, object: 'chat.completion.chunk', created, model, ...head, choices, ...tail });
}

/** An OpenAI choice: `{index, delta, logprobs: null, finish_reason}`. */
export function deltaChoice(delta: JsonObject, finishReason: string | null = null): JsonObject {
  return { index: 0, delta, logprobs: null, finish_reason: finishReason };
}

export interface UsageNumbers {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageNumbers(promptTokens: number, completionTokens: number): UsageNumbers {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** OpenAI's usage object with its detail blocks (vercel/ai openai-text fixture, wire-formats 1.2). */
export function openAiUsage(usage: UsageNumbers, reasoningTokens = 0): JsonObject {
  return {
    ...usage,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export interface ToolCallSpec {
  id: string;
  name: string;
  /** The complete arguments JSON text. */
  arguments: string;
  /** The arguments as the upstream streams them: pieces split anywhere, even mid-token. */
  pieces: readonly string[];
}

/** First fragment of a streamed tool call: index, id, type, name and empty arguments. */
export function toolCallOpening(index: number, call: ToolCallSpec, withType = true): JsonObject {
  return withType
    ? { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }
    : { index, id: call.id, function: { name: call.name, arguments: '' } };
}

/** A later fragment: index and a piece of the arguments only. */
export function toolCallPiece(index: number, piece: string): JsonObject {
  return { index, function: { arguments: piece } };
}

export function completionJson(
  identity: ChunkIdentity,
  message: JsonObject,
  finishReason: string,
  tail: JsonObject,
): string {
  const { id, created, model, head = {} } = identity;
  return JSON.stringify({
    id,
    object: 'chat.completion',
    created,
    model,
    ...head,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    ...tail,
  });
}
