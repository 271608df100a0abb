// Ollama `/api/chat` NDJSON lines → canonical chunks (docs/api.md, docs/api/streaming.mdx). Each
// line carries the next `message.content` / `message.thinking` and whole tool calls; the last line
// has `done: true`, `done_reason` and the counts. A failure after the status went out is a line
// `{"error": "…"}` (docs/api/errors.mdx).
import type { StreamEvent } from '../../codec/sse/index.ts';
import type { ChatCompletionChunk, ChunkDelta, JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { parseErrorBody } from '../shared/parse-error-body.ts';
import { deltaChunk, finishChunk, usageChunk, type ChunkIdentity } from '../shared/build-chunk.ts';
import { parseEvents, readEventValue } from '../shared/parse-events.ts';
import type { ChatStreamParser, ParseContext } from '../types.ts';
import { convertUsage, identityOf, mapDoneReason, readToolCalls } from './parse-response.ts';

class ChatStream {
  #identity: ChunkIdentity | undefined;
  #roleSent = false;
  #toolCalls = 0;

  accept(value: JsonObject, context: ParseContext): ChatCompletionChunk[] {
    if (value.error !== undefined && value.error !== null) {
      const details = parseErrorBody(200, JSON.stringify(value));
      throw new GatewayError('upstream_stream_error', `${context.channel} reported an error in its stream: ${details.message}`, {
        upstream: { channel: context.channel, status: 200 },
      });
    }
    const identity = (this.#identity ??= identityOf(value));
    const chunks: ChatCompletionChunk[] = [];
    const delta = this.#delta(isJsonObject(value.message) ? value.message : {});
    if (delta !== undefined) chunks.push(deltaChunk(identity, delta));
    if (value.done !== true) return chunks;
    chunks.push(finishChunk(identity, mapDoneReason(value.done_reason, this.#toolCalls > 0)));
    const usage = convertUsage(value);
    if (usage !== undefined) chunks.push(usageChunk(identity, usage));
    return chunks;
  }

  #delta(message: JsonObject): ChunkDelta | undefined {
    const delta: ChunkDelta = {};
    if (typeof message.thinking === 'string' && message.thinking !== '') delta.reasoning_content = message.thinking;
    if (typeof message.content === 'string' && message.content !== '') delta.content = message.content;
    const calls = readToolCalls(message, this.#toolCalls);
    if (calls.length > 0) {
      delta.tool_calls = calls.map((call, offset) => ({ ...call, index: this.#toolCalls + offset }));
      this.#toolCalls += calls.length;
    }
    if (Object.keys(delta).length === 0) return undefined;
    const withRole: ChunkDelta = this.#roleSent ? delta : { role: 'assistant', ...delta };
    this.#roleSent = true;
    return withRole;
  }
}

export function createChatStreamParser(context: ParseContext): ChatStreamParser {
  const stream = new ChatStream();
  return {
    accept(event) {
      const read = readEventValue(event, context, 'stream line');
      return isJsonObject(read) ? stream.accept(read, context) : [];
    },
    finish: () => [],
  };
}

export async function* parseChatStream(events: AsyncIterable<StreamEvent>, context: ParseContext): AsyncGenerator<ChatCompletionChunk> {
  yield* parseEvents(createChatStreamParser(context), events);
}
