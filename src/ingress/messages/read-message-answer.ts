// A captured /v1/messages answer read back (a replay compares it with the replay's): the Message's
// text blocks and stop_reason, or the same from a stream transcript (text deltas, message_delta's
// stop_reason, an `error` event's message).
import { isJsonObject, type JsonObject } from '../../core/chat.ts';
import type { ClientAnswer } from '../../core/ingress-codec.ts';
import { readCapturedAnswer } from '../read-captured-answer.ts';

function readMessage(message: JsonObject): ClientAnswer {
  const blocks = Array.isArray(message.content) ? message.content : [];
  const content = blocks.map((block) => (isJsonObject(block) && block.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('');
  return { content, finishReason: typeof message.stop_reason === 'string' ? message.stop_reason : null, streamError: undefined };
}

function readEvents(events: readonly JsonObject[]): ClientAnswer {
  let content = '';
  let finishReason: string | null = null;
  let streamError: string | undefined;
  for (const event of events) {
    const delta = isJsonObject(event.delta) ? event.delta : undefined;
    if (event.type === 'content_block_delta' && delta?.type === 'text_delta' && typeof delta.text === 'string') content += delta.text;
    else if (event.type === 'message_delta' && typeof delta?.stop_reason === 'string') finishReason = delta.stop_reason;
    else if (event.type === 'error' && isJsonObject(event.error) && typeof event.error.message === 'string') streamError ??= event.error.message;
  }
  return { content, finishReason, streamError };
}

export function readMessageAnswer(responseText: string): ClientAnswer {
  const captured = readCapturedAnswer(responseText);
  if (captured.kind === 'events') return readEvents(captured.events);
  if (captured.kind === 'json' && captured.value.type === 'message') return readMessage(captured.value);
  return { content: '', finishReason: null, streamError: undefined };
}
