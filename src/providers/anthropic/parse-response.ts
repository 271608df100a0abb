// Anthropic Messages API answer → canonical `chat.completion` (platform.claude.com/docs/en/api/messages).
import type { AssistantMessage, ChatCompletion, JsonObject, ToolCall, Usage } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { buildUsage, countOf } from '../shared/build-chunk.ts';
import type { ParseContext } from '../types.ts';

/**
 * `stop_reason` → `finish_reason` (vercel/ai packages/anthropic/src/map-anthropic-stop-reason.ts):
 * end_turn, stop_sequence and pause_turn stop; max_tokens is length; tool_use is tool_calls;
 * refusal is content_filter. Anything newer passes through as Anthropic wrote it.
 */
export function mapStopReason(reason: unknown): string {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return typeof reason === 'string' && reason !== '' ? reason : 'stop';
  }
}

/**
 * Anthropic counts cache reads and writes apart from `input_tokens`; OpenAI's `prompt_tokens`
 * includes them, with the reads as `cached_tokens` and the writes, when there were any, as
 * `cache_creation_input_tokens` (the name LiteLLM gives them in a chat usage), so a Messages client
 * gets both counts back (docs/ingress-protocols.md §D3).
 */
export function convertUsage(usage: JsonObject): Usage {
  const cacheRead = countOf(usage.cache_read_input_tokens);
  const cacheCreation = countOf(usage.cache_creation_input_tokens);
  const converted = buildUsage({ prompt: countOf(usage.input_tokens) + cacheCreation + cacheRead, completion: countOf(usage.output_tokens), cached: cacheRead });
  if (cacheCreation > 0) converted.cache_creation_input_tokens = cacheCreation;
  return converted;
}

/** The JSON text of a tool_use block's `input`, as OpenAI's `arguments`. */
export function argumentsOf(input: unknown): string {
  return isJsonObject(input) ? JSON.stringify(input) : '{}';
}

/** The family of the reasoning state an Anthropic channel makes and takes back (issue 14). */
export const anthropicFamily = 'anthropic';

/**
 * A thinking or redacted_thinking block as Anthropic must get it back: its text and signature, or
 * its data, unchanged ("Invalid `signature` in `thinking` block" otherwise, docs/ingress-protocols.md §C8).
 */
export function reasoningBlockOf(block: JsonObject): JsonObject | undefined {
  if (block.type === 'thinking' && typeof block.thinking === 'string') return { type: 'thinking', thinking: block.thinking, signature: typeof block.signature === 'string' ? block.signature : '' };
  if (block.type === 'redacted_thinking' && typeof block.data === 'string') return { type: 'redacted_thinking', data: block.data };
  return undefined;
}

function readMessage(blocks: unknown[]): AssistantMessage {
  let text = '';
  let thinking = '';
  const toolCalls: ToolCall[] = [];
  const reasoning: JsonObject[] = [];
  for (const block of blocks) {
    if (!isJsonObject(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
    if (block.type === 'thinking' && typeof block.thinking === 'string') thinking += block.thinking;
    const reasoningBlock = reasoningBlockOf(block);
    if (reasoningBlock !== undefined) reasoning.push(reasoningBlock);
    if (block.type === 'tool_use') {
      toolCalls.push({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: argumentsOf(block.input) } });
    }
  }
  const message: AssistantMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (thinking !== '') message.reasoning_content = thinking;
  if (reasoning.length > 0) message.reasoning_state = { family: anthropicFamily, blocks: reasoning };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

export function parseChatResponse(body: unknown, context: ParseContext): ChatCompletion {
  if (!isJsonObject(body) || !Array.isArray(body.content)) {
    const seen = JSON.stringify(body)?.slice(0, 200) ?? String(body);
    throw new GatewayError('upstream_bad_response', `${context.channel} answered 200 without an Anthropic message: ${seen}`, {
      upstream: { channel: context.channel, status: 200 },
    });
  }
  const completion: ChatCompletion = {
    id: typeof body.id === 'string' ? body.id : '',
    object: 'chat.completion',
    // Anthropic's message carries no time: the arrival time relay/ passes in.
    created: context.receivedAt ?? 0,
    model: typeof body.model === 'string' ? body.model : '',
    choices: [{ index: 0, message: readMessage(body.content), finish_reason: mapStopReason(body.stop_reason), logprobs: null }],
  };
  if (isJsonObject(body.usage)) completion.usage = convertUsage(body.usage);
  return completion;
}
