// Gemini `streamGenerateContent?alt=sse` events → canonical chunks. Each event is a whole
// GenerateContentResponse holding the next parts; frames end in `\r\n\r\n` and no `[DONE]` comes
// (the decoder handles both). `usageMetadata` is cumulative and on every event: one usage chunk
// goes out at the end (docs/wire-formats.md 2.9).
import type { StreamEvent } from '../../codec/sse/index.ts';
import type { ChatCompletionChunk, ChunkChoice, ChunkDelta, JsonObject, ToolCallDelta } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { buildChunk, usageChunk, type ChunkIdentity } from '../shared/build-chunk.ts';
import { parseEvents, readEventValue } from '../shared/parse-events.ts';
import type { ChatStreamParser, ParseContext } from '../types.ts';
import { blockedPromptError, streamErrorOf } from './parse-error.ts';
import { convertUsage, identityOf, mapFinishReason, readParts } from './parse-response.ts';

interface CandidateState {
  roleSent: boolean;
  toolCalls: number;
}

class ResponseStream {
  #identity: ChunkIdentity = { id: '', created: 0, model: '' };
  #usage: JsonObject | undefined;
  readonly #candidates = new Map<number, CandidateState>();

  accept(value: JsonObject, context: ParseContext): ChatCompletionChunk[] {
    if (value.error !== undefined && value.error !== null) throw streamErrorOf(value, context);
    const blocked = blockedPromptError(value, context);
    if (blocked !== undefined) throw blocked;
    const identity = identityOf(value, context);
    this.#identity = { ...identity, id: identity.id || this.#identity.id, model: identity.model || this.#identity.model };
    if (isJsonObject(value.usageMetadata)) this.#usage = value.usageMetadata;
    const candidates = Array.isArray(value.candidates) ? value.candidates : [];
    const choices = candidates.map((candidate, position) => this.#choice(isJsonObject(candidate) ? candidate : {}, position));
    const sent = choices.filter((choice) => choice !== undefined);
    return sent.length === 0 ? [] : [buildChunk(this.#identity, sent)];
  }

  finish(): ChatCompletionChunk[] {
    return this.#usage === undefined ? [] : [usageChunk(this.#identity, convertUsage(this.#usage))];
  }

  #choice(candidate: JsonObject, position: number): ChunkChoice | undefined {
    const index = typeof candidate.index === 'number' ? candidate.index : position;
    const state = this.#candidates.get(index) ?? { roleSent: false, toolCalls: 0 };
    this.#candidates.set(index, state);
    const content = isJsonObject(candidate.content) ? candidate.content : {};
    const read = readParts(content.parts, state.toolCalls);
    const delta: ChunkDelta = {};
    if (read.reasoning !== '') delta.reasoning_content = read.reasoning;
    if (read.content !== '') delta.content = read.content;
    if (read.toolCalls.length > 0) {
      delta.tool_calls = read.toolCalls.map((call, offset): ToolCallDelta => ({ ...call, index: state.toolCalls + offset }));
      state.toolCalls += read.toolCalls.length;
    }
    const hasFinish = typeof candidate.finishReason === 'string';
    if (Object.keys(delta).length === 0 && !hasFinish) return undefined;
    const withRole: ChunkDelta = state.roleSent ? delta : { role: 'assistant', ...delta };
    state.roleSent = true;
    const finishReason = hasFinish ? mapFinishReason(candidate.finishReason, state.toolCalls > 0) : null;
    return { index, delta: withRole, finish_reason: finishReason };
  }
}

export function createChatStreamParser(context: ParseContext): ChatStreamParser {
  const stream = new ResponseStream();
  return {
    accept(event) {
      const read = readEventValue(event, context);
      // Without alt=sse Gemini streams one JSON array of responses (docs/wire-formats.md 2.9).
      if (!Array.isArray(read)) return isJsonObject(read) ? stream.accept(read, context) : [];
      const chunks: ChatCompletionChunk[] = [];
      for (const value of read) if (isJsonObject(value)) chunks.push(...stream.accept(value, context));
      return chunks;
    },
    finish: () => stream.finish(),
  };
}

export async function* parseChatStream(events: AsyncIterable<StreamEvent>, context: ParseContext): AsyncGenerator<ChatCompletionChunk> {
  yield* parseEvents(createChatStreamParser(context), events);
}
