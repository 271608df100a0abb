import type { AssistantMessage, ChatCompletion, CompletionChoice } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ParseContext } from '../types.ts';
import { completeToolCall, normalizeFinishReason } from './normalize-fields.ts';
import { copyReasoningField } from './normalize-reasoning.ts';

function parseChoice(value: unknown, position: number): CompletionChoice {
  const choice = isJsonObject(value) ? value : {};
  const message = isJsonObject(choice.message) ? choice.message : {};
  const normalized: AssistantMessage = copyReasoningField({
    ...message,
    role: typeof message.role === 'string' ? message.role : 'assistant',
    content: typeof message.content === 'string' ? message.content : null,
    ...(Array.isArray(message.tool_calls) ? { tool_calls: message.tool_calls.map(completeToolCall) } : {}),
  });
  const finishReason = normalizeFinishReason(choice.finish_reason);
  return {
    ...choice,
    index: typeof choice.index === 'number' ? choice.index : position,
    message: normalized,
    finish_reason: typeof finishReason === 'string' ? finishReason : null,
  };
}

/** An OpenAI `chat.completion`, read loosely: absent null fields (vLLM's exclude_none) are fine. */
export function parseChatResponse(body: unknown, context: ParseContext): ChatCompletion {
  if (!isJsonObject(body) || !Array.isArray(body.choices)) {
    const seen = JSON.stringify(body)?.slice(0, 200) ?? String(body);
    throw new GatewayError('upstream_bad_response', `${context.channel} answered 200 without a chat completion: ${seen}`, {
      upstream: { channel: context.channel, status: 200 },
    });
  }
  return {
    ...body,
    id: typeof body.id === 'string' ? body.id : '',
    object: 'chat.completion',
    created: typeof body.created === 'number' ? body.created : 0,
    model: typeof body.model === 'string' ? body.model : '',
    choices: body.choices.map(parseChoice),
  };
}
