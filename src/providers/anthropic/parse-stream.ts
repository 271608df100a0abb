// Anthropic Messages stream events → canonical chunks (docs/wire-formats.md 2.8; platform.claude.com/docs/
// en/build-with-claude/streaming). Dispatch is on the JSON `type`, as vercel/ai does; `event:` names
// repeat it. Text → `content`, `thinking_delta` → `reasoning_content`, a `tool_use` block → one
// tool call whose `input_json_delta` pieces are its `arguments`. `message_delta` carries the stop
// reason and cumulative usage: one finish chunk and one usage chunk go out at `message_stop`.
import type { StreamEvent } from '../../codec/sse/index.ts';
import type { ChatCompletionChunk, ChunkDelta, JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { buildChunk, usageChunk, type ChunkIdentity } from '../shared/build-chunk.ts';
import { parseEvents, readEventValue } from '../shared/parse-events.ts';
import type { ChatStreamParser, ParseContext } from '../types.ts';
import { streamErrorOf } from './parse-error.ts';
import { anthropicFamily, argumentsOf, convertUsage, mapStopReason, reasoningBlockOf } from './parse-response.ts';

interface ToolBlock {
  toolIndex: number;
  input: unknown;
  sawArguments: boolean;
}

class MessageStream {
  readonly #identity: ChunkIdentity = { id: '', created: 0, model: '' };
  readonly #toolBlocks = new Map<number, ToolBlock>();
  /** Thinking blocks being streamed, by block index: text and signature, given back whole at their stop. */
  readonly #thinkingBlocks = new Map<number, { thinking: string; signature: string }>();
  #roleSent = false;
  #stopReason: unknown;
  #usage: JsonObject = {};
  #finished = false;

  accept(value: JsonObject, context: ParseContext): ChatCompletionChunk[] {
    switch (value.type) {
      case 'message_start':
        // Anthropic's message carries no time: the arrival time relay/ passes in.
        this.#identity.created = context.receivedAt ?? 0;
        this.#start(value.message);
        return [];
      case 'content_block_start':
        return this.#startBlock(value);
      case 'content_block_delta':
        return this.#delta(value);
      case 'content_block_stop':
        return this.#stopBlock(value);
      case 'message_delta':
        this.#messageDelta(value);
        return [];
      case 'message_stop':
        return this.finish();
      case 'error':
        throw streamErrorOf(value, context);
      default:
        // `ping`, and event types newer than this parser.
        return [];
    }
  }

  /** The finish and usage chunks, once, when a stop reason was seen. */
  finish(): ChatCompletionChunk[] {
    if (this.#finished || this.#stopReason === undefined) return [];
    this.#finished = true;
    const finish = this.#chunk({}, mapStopReason(this.#stopReason));
    return [finish, usageChunk(this.#identity, convertUsage(this.#usage))];
  }

  #chunk(delta: ChunkDelta, finishReason: string | null = null): ChatCompletionChunk {
    const withRole: ChunkDelta = this.#roleSent ? delta : { role: 'assistant', ...delta };
    this.#roleSent = true;
    return buildChunk(this.#identity, [{ index: 0, delta: withRole, finish_reason: finishReason }]);
  }

  #start(message: unknown): void {
    if (!isJsonObject(message)) return;
    if (typeof message.id === 'string') this.#identity.id = message.id;
    if (typeof message.model === 'string') this.#identity.model = message.model;
    // `output_tokens` here is a placeholder (1–2); message_delta brings the real, cumulative count.
    if (isJsonObject(message.usage)) this.#usage = { ...message.usage };
  }

  #startBlock(value: JsonObject): ChatCompletionChunk[] {
    const block = isJsonObject(value.content_block) ? value.content_block : {};
    if (block.type === 'text') return this.#text('content', block.text);
    if (block.type === 'thinking') {
      this.#thinkingBlocks.set(Number(value.index), { thinking: typeof block.thinking === 'string' ? block.thinking : '', signature: typeof block.signature === 'string' ? block.signature : '' });
      return this.#text('reasoning_content', block.thinking);
    }
    // Redacted thinking comes whole in its start event; it is only ever given back to Anthropic.
    if (block.type === 'redacted_thinking') {
      const redacted = reasoningBlockOf(block);
      return redacted === undefined ? [] : [this.#chunk({ reasoning_state: { family: anthropicFamily, blocks: [redacted] } })];
    }
    if (block.type !== 'tool_use') return [];
    const toolIndex = this.#toolBlocks.size;
    this.#toolBlocks.set(Number(value.index), { toolIndex, input: block.input, sawArguments: false });
    const opening = { index: toolIndex, id: String(block.id), type: 'function', function: { name: String(block.name), arguments: '' } };
    return [this.#chunk({ tool_calls: [opening] })];
  }

  #delta(value: JsonObject): ChatCompletionChunk[] {
    const delta = isJsonObject(value.delta) ? value.delta : {};
    if (delta.type === 'text_delta') return this.#text('content', delta.text);
    if (delta.type === 'thinking_delta' || delta.type === 'signature_delta') this.#addThinking(Number(value.index), delta);
    if (delta.type === 'thinking_delta') return this.#text('reasoning_content', delta.thinking);
    const tool = this.#toolBlocks.get(Number(value.index));
    // The first input_json_delta is often "" (fixture anthropic-json-tool.1.chunks.txt).
    if (delta.type !== 'input_json_delta' || tool === undefined || typeof delta.partial_json !== 'string' || delta.partial_json === '') return [];
    tool.sawArguments = true;
    return [this.#chunk({ tool_calls: [{ index: tool.toolIndex, function: { arguments: delta.partial_json } }] })];
  }

  /** A tool without arguments streams only `partial_json: ""` (anthropic-tool-no-args fixture): its arguments are `{}`. */
  #stopBlock(value: JsonObject): ChatCompletionChunk[] {
    const thinking = this.#thinkingBlocks.get(Number(value.index));
    if (thinking !== undefined) {
      this.#thinkingBlocks.delete(Number(value.index));
      return [this.#chunk({ reasoning_state: { family: anthropicFamily, blocks: [{ type: 'thinking', ...thinking }] } })];
    }
    const tool = this.#toolBlocks.get(Number(value.index));
    if (tool === undefined || tool.sawArguments) return [];
    return [this.#chunk({ tool_calls: [{ index: tool.toolIndex, function: { arguments: argumentsOf(tool.input) } }] })];
  }

  #addThinking(index: number, delta: JsonObject): void {
    const block = this.#thinkingBlocks.get(index);
    if (block === undefined) return;
    if (typeof delta.thinking === 'string') block.thinking += delta.thinking;
    if (typeof delta.signature === 'string') block.signature += delta.signature;
  }

  #messageDelta(value: JsonObject): void {
    const delta = isJsonObject(value.delta) ? value.delta : {};
    if (delta.stop_reason !== undefined && delta.stop_reason !== null) this.#stopReason = delta.stop_reason;
    // Cumulative counts; a count sent as null keeps the one message_start gave.
    if (isJsonObject(value.usage)) {
      for (const [field, count] of Object.entries(value.usage)) if (count !== null) this.#usage[field] = count;
    }
  }

  #text(field: 'content' | 'reasoning_content', text: unknown): ChatCompletionChunk[] {
    return typeof text === 'string' && text !== '' ? [this.#chunk({ [field]: text })] : [];
  }
}

export function createChatStreamParser(context: ParseContext): ChatStreamParser {
  const stream = new MessageStream();
  return {
    accept(event) {
      const read = readEventValue(event, context);
      if (!isJsonObject(read)) return [];
      const value = event.event === 'error' && read.type === undefined ? { ...read, type: 'error' } : read;
      return stream.accept(value, context);
    },
    finish: () => stream.finish(),
  };
}

export async function* parseChatStream(events: AsyncIterable<StreamEvent>, context: ParseContext): AsyncGenerator<ChatCompletionChunk> {
  yield* parseEvents(createChatStreamParser(context), events);
}
