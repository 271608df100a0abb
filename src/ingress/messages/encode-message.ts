// A completion → an Anthropic Message (docs/ingress-protocols.md §A6): thinking blocks (with their
// signatures, from a `reasoning_state` of family anthropic; unsigned from any other reasoning text),
// text, tool_use with its input parsed; the client's model; stop reason and usage in Anthropic's terms.
// It must be right: Claude Code falls back to it when a stream fails (§A7).
import { isJsonObject, type AssistantMessage, type ChatCompletion, type JsonObject } from '../../core/chat.ts';
import type { AnswerContext } from '../../core/ingress-codec.ts';
import { anthropicFamily } from './convert-turns.ts';
import { mapStop, mapUsage, messageIdOf, parseToolInput, toolUseIdOf } from './map-answer.ts';
import type { MessagesState } from './parse-messages-request.ts';

function readReasoningText(message: AssistantMessage): string {
  if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '') return message.reasoning_content;
  return typeof message.reasoning === 'string' ? message.reasoning : '';
}

/** An Anthropic channel's own blocks when it made them; else the reasoning text as an unsigned thinking block. */
function reasoningBlocks(message: AssistantMessage): JsonObject[] {
  const state = message.reasoning_state;
  if (state?.family === anthropicFamily && state.blocks.length > 0) return state.blocks;
  const text = readReasoningText(message);
  return text === '' ? [] : [{ type: 'thinking', thinking: text, signature: '' }];
}

export function encodeMessage(completion: ChatCompletion, state: MessagesState, context: AnswerContext): JsonObject {
  const choice = completion.choices[0];
  const message: AssistantMessage = choice?.message ?? { role: 'assistant', content: '' };
  const id = messageIdOf(context.requestId);
  const content: JsonObject[] = [...reasoningBlocks(message)];
  const text = [message.content, message.refusal].filter((part) => typeof part === 'string' && part !== '').join('');
  if (text !== '') content.push({ type: 'text', text });
  (message.tool_calls ?? []).forEach((call, position) => {
    const fn = isJsonObject(call.function) ? call.function : { name: '', arguments: '' };
    content.push({ type: 'tool_use', id: toolUseIdOf(call.id, id, position), name: fn.name, input: parseToolInput(fn.arguments) });
  });
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: state.model,
    content,
    ...mapStop(choice?.finish_reason, text, state.stopSequences),
    usage: mapUsage(completion.usage),
  };
}
