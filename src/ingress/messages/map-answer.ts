// The parts of an internal answer that read the same in a Message and in its stream
// (docs/ingress-protocols.md §A6, §D3 "End"): stop reason, usage, ids, tool input.
import { isJsonObject, type JsonObject, type Usage } from '../../core/chat.ts';

/** Chat `finish_reason` → Anthropic `stop_reason`; an unknown reason stops the turn normally. */
export function mapFinishReason(reason: unknown): string {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

export interface MessageUsage extends JsonObject {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * Chat usage → Anthropic's: `prompt_tokens` includes cache reads (`prompt_tokens_details.cached_tokens`)
 * and cache writes (`cache_creation_input_tokens` from Anthropic channels and LiteLLM,
 * `prompt_tokens_details.cache_write_tokens` from OpenRouter, openrouter.ai/docs/use-cases/usage-accounting); Anthropic's `input_tokens` excludes both.
 */
export function mapUsage(usage: Usage | null | undefined): MessageUsage {
  const details = isJsonObject(usage?.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const cacheRead = countOf(details.cached_tokens);
  const cacheCreation = countOf(usage?.cache_creation_input_tokens) || countOf(details.cache_write_tokens);
  return {
    input_tokens: Math.max(0, countOf(usage?.prompt_tokens) - cacheRead - cacheCreation),
    output_tokens: countOf(usage?.completion_tokens),
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
  };
}

export interface StopOutcome extends JsonObject {
  stop_reason: string;
  stop_sequence: string | null;
}

/**
 * The stop reason, and which of the client's `stop_sequences` ended the answer: a `stop` finish whose
 * text ends with one of them (an upstream that keeps the matched sequence in its text); else the
 * chat finish mapped, with no sequence. An upstream that leaves the sequence out, as OpenAI and
 * Anthropic do, cannot be told from a natural end: `end_turn`.
 */
export function mapStop(reason: unknown, textEnd: string, stopSequences: readonly string[]): StopOutcome {
  const matched = reason === 'stop' ? stopSequences.find((sequence) => sequence !== '' && textEnd.endsWith(sequence)) : undefined;
  return matched === undefined ? { stop_reason: mapFinishReason(reason), stop_sequence: null } : { stop_reason: 'stop_sequence', stop_sequence: matched };
}

/** How much of the answer's end a stream keeps to find a stop sequence in: the longest one's length. */
export function stopTailLength(stopSequences: readonly string[]): number {
  return stopSequences.reduce((longest, sequence) => Math.max(longest, sequence.length), 0);
}

/** A tool call's `arguments` JSON text → the `input` object Anthropic's `tool_use` carries. */
export function parseToolInput(text: unknown): JsonObject {
  if (typeof text !== 'string' || text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : {};
  } catch {
    // A model's broken JSON: an empty input, as Anthropic's own partial-JSON readers end up with.
    return {};
  }
}

/** A message id in Anthropic's form. */
export function messageIdOf(requestId: string): string {
  return `msg_${requestId.replace(/[^A-Za-z0-9_-]/g, '')}`;
}

/** The call's own id, or one made from the message's when the upstream gave none (Gemini, Ollama). */
export function toolUseIdOf(callId: unknown, messageId: string, position: number): string {
  return typeof callId === 'string' && callId !== '' ? callId : `toolu_${messageId.slice(4)}_${position}`;
}
