// Internal chunks → Anthropic Messages stream events (docs/ingress-protocols.md §A6, §D3 "Emitter
// rules"), a state machine whose output passes @anthropic-ai/sdk's MessageStream and Claude Code:
// every event with an `event:` line; one `message_start` first (content [], input_tokens never 0);
// blocks opened lazily by type (thinking, text, tool_use) and closed before the next, indices from 0
// in start order; each delta of its block's type; `signature_delta` only for a real signature; tool
// input as `input_json_delta` (the whole JSON, or "{}", when the upstream streamed none). Parallel
// calls may come interleaved (call 0's arguments, call 1's, call 0's again): the first call's block
// streams, later calls wait and go out whole when the open block closes;
// `message_delta` with the stop reason and usage, then `message_stop`. A failure after the first byte
// is `event: error` with no `message_stop`.
import { isJsonObject, type ChatCompletionChunk, type ChunkDelta, type JsonObject, type ToolCallDelta, type Usage } from '../../core/chat.ts';
import type { GatewayError } from '../../core/errors.ts';
import type { AnswerContext, StreamEncoder } from '../../core/ingress-codec.ts';
import { anthropicFamily } from './convert-turns.ts';
import { mapStop, mapUsage, messageIdOf, stopTailLength, toolUseIdOf } from './map-answer.ts';
import type { MessagesState } from './parse-messages-request.ts';
import { describeAnthropicError, renderMessagesError } from './render-messages-error.ts';

export function frameEvent(payload: JsonObject & { type: string }): string {
  return `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export const pingFrame = frameEvent({ type: 'ping' });

interface ToolEntry {
  id: string;
  name: string;
  /** The content block's index once started. */
  index: number | undefined;
  /** Arguments seen before the block could start (no name yet, or another call's block open). */
  pending: string;
  sentArguments: boolean;
}

type OpenBlock = { kind: 'thinking' | 'text' } | { kind: 'tool'; tool: ToolEntry };

class MessageStreamEncoder implements StreamEncoder {
  readonly keepalive = pingFrame;
  readonly #state: MessagesState;
  readonly #context: AnswerContext;
  readonly #id: string;
  #started = false;
  #nextIndex = 0;
  #open: OpenBlock | undefined;
  readonly #tools = new Map<number, ToolEntry>();
  #finishReason: unknown;
  /** The end of the answer's text, as long as the longest stop sequence (to name the one that matched). */
  #textEnd = '';
  readonly #tailLength: number;
  #out = '';

  constructor(state: MessagesState, context: AnswerContext) {
    this.#state = state;
    this.#context = context;
    this.#id = messageIdOf(context.requestId);
    this.#tailLength = stopTailLength(state.stopSequences);
  }

  encodeChunk(chunk: ChatCompletionChunk): string {
    const choice = Array.isArray(chunk.choices) ? chunk.choices.find((entry) => (entry.index ?? 0) === 0) : undefined;
    // A usage-only chunk: the usage goes out with message_delta (encodeEnd).
    if (choice === undefined) return '';
    this.#start();
    if (isJsonObject(choice.delta)) this.#delta(choice.delta);
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) this.#finishReason = choice.finish_reason;
    return this.#take();
  }

  encodeEnd(usage: Usage): string {
    this.#start();
    this.#closeBlock();
    this.#sendWaitingTools(true);
    this.#emit({ type: 'message_delta', delta: mapStop(this.#finishReason, this.#textEnd, this.#state.stopSequences), usage: mapUsage(usage) });
    this.#emit({ type: 'message_stop' });
    return this.#take();
  }

  encodeFailure(error: GatewayError, requestId: string): string {
    const { status } = renderMessagesError(error, requestId);
    return frameEvent({ type: 'error', error: describeAnthropicError(error, status), request_id: requestId });
  }

  #take(): string {
    const out = this.#out;
    this.#out = '';
    return out;
  }

  #emit(payload: JsonObject & { type: string }): void {
    this.#out += frameEvent(payload);
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    // Claude Code's context meter reads input_tokens here (docs/ingress-protocols.md §C4): never 0.
    const inputTokens = Math.max(1, this.#context.promptTokens?.() ?? 1);
    const usage = { input_tokens: inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    this.#emit({ type: 'message_start', message: { id: this.#id, type: 'message', role: 'assistant', model: this.#state.model, content: [], stop_reason: null, stop_sequence: null, usage } });
  }

  #delta(delta: ChunkDelta): void {
    const reasoning = typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '' ? delta.reasoning_content : delta.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') {
      this.#openBlock('thinking', { type: 'thinking', thinking: '', signature: '' });
      this.#blockDelta({ type: 'thinking_delta', thinking: reasoning });
    }
    if (delta.reasoning_state?.family === anthropicFamily) this.#reasoningState(delta.reasoning_state.blocks);
    for (const text of [delta.content, delta.refusal]) {
      if (typeof text !== 'string' || text === '') continue;
      this.#openBlock('text', { type: 'text', text: '' });
      this.#blockDelta({ type: 'text_delta', text });
      if (this.#tailLength > 0) this.#textEnd = (this.#textEnd + text).slice(-this.#tailLength);
    }
    if (Array.isArray(delta.tool_calls)) for (const fragment of delta.tool_calls) this.#toolFragment(fragment);
  }

  /** The blocks a thinking block's stop carries: the open block's signature; any further block whole. */
  #reasoningState(blocks: readonly JsonObject[]): void {
    for (const block of blocks) {
      if (block.type === 'thinking') {
        if (this.#open?.kind !== 'thinking') {
          this.#openBlock('thinking', { type: 'thinking', thinking: '', signature: '' });
          if (typeof block.thinking === 'string' && block.thinking !== '') this.#blockDelta({ type: 'thinking_delta', thinking: block.thinking });
        }
        if (typeof block.signature === 'string' && block.signature !== '') this.#blockDelta({ type: 'signature_delta', signature: block.signature });
        this.#closeBlock();
      } else if (block.type === 'redacted_thinking') {
        this.#closeBlock();
        this.#sendWaitingTools(false);
        this.#emit({ type: 'content_block_start', index: this.#nextIndex, content_block: { type: 'redacted_thinking', data: block.data } });
        this.#emit({ type: 'content_block_stop', index: this.#nextIndex });
        this.#nextIndex += 1;
      }
    }
  }

  #toolFragment(fragment: ToolCallDelta): void {
    if (!isJsonObject(fragment)) return;
    const key = typeof fragment.index === 'number' ? fragment.index : this.#tools.size;
    let tool = this.#tools.get(key);
    if (tool === undefined) {
      tool = { id: toolUseIdOf(fragment.id, this.#id, this.#tools.size), name: '', index: undefined, pending: '', sentArguments: false };
      this.#tools.set(key, tool);
    }
    const fn = isJsonObject(fragment.function) ? fragment.function : {};
    if (typeof fn.name === 'string' && fn.name !== '') tool.name = fn.name;
    const piece = typeof fn.arguments === 'string' ? fn.arguments : '';
    // A name may come in a later fragment (docs/wire-formats.md 0.5): the block starts once it is known,
    // and only when no other call's block is open, whose arguments may still come (interleaved calls).
    if (tool.index === undefined) {
      tool.pending += piece;
      if (tool.name !== '' && this.#open?.kind !== 'tool') this.#startTool(tool);
      return;
    }
    // Arguments after a text or thinking block closed this call's block cannot follow it; its block kept what it had.
    if (piece === '' || this.#open?.kind !== 'tool' || this.#open.tool !== tool) return;
    this.#blockDelta({ type: 'input_json_delta', partial_json: piece });
    tool.sentArguments = true;
  }

  #startTool(tool: ToolEntry): void {
    this.#closeBlock();
    tool.index = this.#nextIndex;
    this.#open = { kind: 'tool', tool };
    this.#nextIndex += 1;
    this.#emit({ type: 'content_block_start', index: tool.index, content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {} } });
    if (tool.pending !== '') {
      this.#blockDelta({ type: 'input_json_delta', partial_json: tool.pending });
      tool.sentArguments = true;
      tool.pending = '';
    }
  }

  /** The calls that waited for the open block to close, each block whole; `all`: the nameless too (the end). */
  #sendWaitingTools(all: boolean): void {
    for (const tool of this.#tools.values()) {
      if (tool.index !== undefined || (!all && tool.name === '')) continue;
      this.#startTool(tool);
      this.#closeBlock();
    }
  }

  #openBlock(kind: 'thinking' | 'text', contentBlock: JsonObject): void {
    if (this.#open?.kind === kind) return;
    this.#closeBlock();
    this.#sendWaitingTools(false);
    this.#open = { kind };
    this.#emit({ type: 'content_block_start', index: this.#nextIndex, content_block: contentBlock });
    this.#nextIndex += 1;
  }

  #blockDelta(delta: JsonObject): void {
    this.#emit({ type: 'content_block_delta', index: this.#nextIndex - 1, delta });
  }

  #closeBlock(): void {
    const open = this.#open;
    if (open === undefined) return;
    if (open.kind === 'tool' && !open.tool.sentArguments) {
      this.#blockDelta({ type: 'input_json_delta', partial_json: '{}' });
      open.tool.sentArguments = true;
    }
    this.#emit({ type: 'content_block_stop', index: this.#nextIndex - 1 });
    this.#open = undefined;
  }
}

export function createMessageStreamEncoder(state: MessagesState, context: AnswerContext): StreamEncoder {
  return new MessageStreamEncoder(state, context);
}
