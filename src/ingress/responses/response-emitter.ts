// The Responses stream as a strict state machine over internal deltas (docs/ingress-protocols.md
// §A3, §D2 "Emitter rules"), written so openai-node's ResponseStream accumulator and Codex accept
// every event: `response.created` then `in_progress`; output items in append order with stable ids
// (reasoning, then the message opened on its first text, then tool calls); each item added, its
// parts added, deltas, parts done, item done; exactly one terminal event whose response carries the
// full output and usage. The events are plain objects; the stream encoder frames them, the
// non-stream answer is the terminal event's `response`.
import type { ChunkDelta, JsonObject, ReasoningState, ToolCallDelta, Usage } from '../../core/chat.ts';
import type { AnswerContext } from '../../core/ingress-codec.ts';
import { buildResponse, idBaseOf, type ResponseOutcome } from './build-response.ts';
import type { ResponsesState } from './parse-responses-request.ts';
import { encodeReasoningState } from './reasoning-state-text.ts';

export type ResponseEvent = JsonObject & { type: string };

type PartKind = 'output_text' | 'refusal';

interface OpenMessage {
  index: number;
  item: JsonObject & { content: JsonObject[] };
  part: { kind: PartKind; text: string } | undefined;
}

interface OpenReasoning {
  index: number;
  item: JsonObject & { summary: JsonObject[] };
  summary: string | undefined;
  state: ReasoningState | undefined;
}

interface OpenCall {
  index: number;
  item: JsonObject;
  custom: boolean;
  arguments: string;
}

/** The adaptation noted when reasoning text goes back as a `reasoning.summary` (x-sluice-adaptations). */
export const reasoningAsSummary = 'reasoning-as-summary';

/** Chat finish reasons that end a Response as incomplete, with its reason. */
const incompleteReasons: Readonly<Record<string, string>> = { length: 'max_output_tokens', content_filter: 'content_filter' };

/** The reasoning text of a delta: `reasoning_content` (DeepSeek, DashScope, xAI) or `reasoning` (vLLM, Ollama). */
function reasoningOf(delta: ChunkDelta): string {
  if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') return delta.reasoning_content;
  return typeof delta.reasoning === 'string' ? delta.reasoning : '';
}

/** A custom tool's input from its function arguments `{"input": "…"}`; the raw text when they are not that. */
function readCustomInput(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && typeof (value as JsonObject)['input'] === 'string') return (value as JsonObject)['input'] as string;
  } catch {
    // Not JSON: the model wrote the input itself.
  }
  return text;
}

export class ResponseEmitter {
  readonly output: JsonObject[] = [];
  private readonly base: string;
  private model = '';
  private reasoning: OpenReasoning | undefined;
  private message: OpenMessage | undefined;
  private readonly calls = new Map<number, OpenCall>();
  private finishReason: string | null = null;
  started = false;
  ended = false;

  private readonly state: ResponsesState;
  private readonly context: AnswerContext;

  constructor(state: ResponsesState, context: AnswerContext) {
    this.state = state;
    this.context = context;
    this.base = idBaseOf(context.requestId);
  }

  private responseOf(outcome: ResponseOutcome): JsonObject {
    return buildResponse(this.state, this.context, this.model, outcome);
  }

  start(model: string): ResponseEvent[] {
    this.started = true;
    this.model = model;
    const response = this.responseOf({ status: 'in_progress', output: [], usage: undefined });
    return [
      { type: 'response.created', response },
      { type: 'response.in_progress', response },
    ];
  }

  private addItem(item: JsonObject, events: ResponseEvent[]): number {
    const index = this.output.length;
    this.output.push(item);
    events.push({ type: 'response.output_item.added', output_index: index, item: structuredClone(item) });
    return index;
  }

  private itemDone(index: number, events: ResponseEvent[]): void {
    const item = this.output[index];
    if (item === undefined) return;
    if ('status' in item) item['status'] = 'completed';
    events.push({ type: 'response.output_item.done', output_index: index, item: structuredClone(item) });
  }

  private openReasoning(events: ResponseEvent[]): OpenReasoning {
    if (this.reasoning !== undefined) return this.reasoning;
    this.closeMessage(events);
    const item = { id: `rs_${this.base}_${String(this.output.length)}`, type: 'reasoning', summary: [] as JsonObject[] };
    this.reasoning = { index: this.addItem(item, events), item, summary: undefined, state: undefined };
    return this.reasoning;
  }

  private addReasoningText(text: string, events: ResponseEvent[]): void {
    if (text === '' || !this.state.summarizeReasoning) return;
    const reasoning = this.openReasoning(events);
    const address = { item_id: reasoning.item['id'], output_index: reasoning.index, summary_index: 0 };
    if (reasoning.summary === undefined) {
      // The upstream's reasoning text itself stands in for the summary OpenAI would write.
      this.context.noteAdaptation?.(reasoningAsSummary);
      reasoning.summary = '';
      reasoning.item.summary.push({ type: 'summary_text', text: '' });
      events.push({ type: 'response.reasoning_summary_part.added', ...address, part: { type: 'summary_text', text: '' } });
    }
    reasoning.summary += text;
    events.push({ type: 'response.reasoning_summary_text.delta', ...address, delta: text });
  }

  private addReasoningState(state: ReasoningState | undefined, events: ResponseEvent[]): void {
    if (state === undefined || !this.state.includeReasoningState) return;
    this.openReasoning(events).state = state;
  }

  private closeReasoning(events: ResponseEvent[]): void {
    const reasoning = this.reasoning;
    if (reasoning === undefined) return;
    this.reasoning = undefined;
    if (reasoning.summary !== undefined) {
      const address = { item_id: reasoning.item['id'], output_index: reasoning.index, summary_index: 0 };
      const part = { type: 'summary_text', text: reasoning.summary };
      reasoning.item.summary[0] = part;
      events.push({ type: 'response.reasoning_summary_text.done', ...address, text: reasoning.summary });
      events.push({ type: 'response.reasoning_summary_part.done', ...address, part });
    }
    if (reasoning.state !== undefined) reasoning.item['encrypted_content'] = encodeReasoningState(reasoning.state);
    this.itemDone(reasoning.index, events);
  }

  private openMessage(events: ResponseEvent[]): OpenMessage {
    if (this.message !== undefined) return this.message;
    this.closeReasoning(events);
    const item = { id: `msg_${this.base}_${String(this.output.length)}`, type: 'message', role: 'assistant', status: 'in_progress', content: [] as JsonObject[] };
    this.message = { index: this.addItem(item, events), item, part: undefined };
    return this.message;
  }

  private partOf(kind: PartKind, text: string): JsonObject {
    return kind === 'output_text' ? { type: 'output_text', text, annotations: [] } : { type: 'refusal', refusal: text };
  }

  private addMessageText(kind: PartKind, text: string, events: ResponseEvent[]): void {
    if (text === '') return;
    const message = this.openMessage(events);
    if (message.part !== undefined && message.part.kind !== kind) this.closePart(message, events);
    const address = { item_id: message.item['id'], output_index: message.index, content_index: message.item.content.length - (message.part === undefined ? 0 : 1) };
    if (message.part === undefined) {
      message.part = { kind, text: '' };
      message.item.content.push(this.partOf(kind, ''));
      events.push({ type: 'response.content_part.added', ...address, part: this.partOf(kind, '') });
    }
    message.part.text += text;
    events.push(kind === 'output_text' ? { type: 'response.output_text.delta', ...address, delta: text, logprobs: [] } : { type: 'response.refusal.delta', ...address, delta: text });
  }

  private closePart(message: OpenMessage, events: ResponseEvent[]): void {
    const part = message.part;
    if (part === undefined) return;
    message.part = undefined;
    const address = { item_id: message.item['id'], output_index: message.index, content_index: message.item.content.length - 1 };
    const done = this.partOf(part.kind, part.text);
    message.item.content[address.content_index] = done;
    events.push(part.kind === 'output_text' ? { type: 'response.output_text.done', ...address, text: part.text, logprobs: [] } : { type: 'response.refusal.done', ...address, refusal: part.text });
    events.push({ type: 'response.content_part.done', ...address, part: done });
  }

  private closeMessage(events: ResponseEvent[]): void {
    const message = this.message;
    if (message === undefined) return;
    this.message = undefined;
    this.closePart(message, events);
    this.itemDone(message.index, events);
  }

  private openCall(fragment: ToolCallDelta, events: ResponseEvent[]): OpenCall {
    this.closeReasoning(events);
    this.closeMessage(events);
    const name = fragment.function?.name ?? '';
    const custom = this.state.customToolNames.has(name);
    const index = this.output.length;
    const callId = typeof fragment.id === 'string' && fragment.id !== '' ? fragment.id : `call_${this.base}_${String(index)}`;
    const item = custom
      ? { id: `ctc_${this.base}_${String(index)}`, type: 'custom_tool_call', status: 'in_progress', call_id: callId, name, input: '' }
      : { id: `fc_${this.base}_${String(index)}`, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name };
    const call: OpenCall = { index: this.addItem(item, events), item, custom, arguments: '' };
    this.calls.set(fragment.index, call);
    return call;
  }

  private addToolCall(fragment: ToolCallDelta, events: ResponseEvent[]): void {
    const call = this.calls.get(fragment.index) ?? this.openCall(fragment, events);
    const name = fragment.function?.name;
    if (typeof name === 'string' && name !== '' && call.item['name'] === '') call.item['name'] = name;
    const piece = fragment.function?.arguments;
    if (typeof piece !== 'string' || piece === '') return;
    call.arguments += piece;
    if (call.custom) return;
    call.item['arguments'] = call.arguments;
    events.push({ type: 'response.function_call_arguments.delta', item_id: call.item['id'], output_index: call.index, delta: piece });
  }

  private closeCalls(events: ResponseEvent[]): void {
    for (const call of [...this.calls.values()].sort((left, right) => left.index - right.index)) {
      const address = { item_id: call.item['id'], output_index: call.index };
      if (call.custom) {
        const input = readCustomInput(call.arguments);
        call.item['input'] = input;
        if (input !== '') events.push({ type: 'response.custom_tool_call_input.delta', ...address, delta: input });
        events.push({ type: 'response.custom_tool_call_input.done', ...address, input });
      } else {
        call.item['arguments'] = call.arguments;
        events.push({ type: 'response.function_call_arguments.done', ...address, name: call.item['name'], arguments: call.arguments });
      }
      this.itemDone(call.index, events);
    }
    this.calls.clear();
  }

  /** The events for one delta of the answer's first choice, in the order its parts are generated. */
  addDelta(delta: ChunkDelta | undefined, finishReason: string | null | undefined): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    if (delta !== undefined) {
      this.addReasoningText(reasoningOf(delta), events);
      this.addReasoningState(delta.reasoning_state, events);
      if (typeof delta.refusal === 'string') this.addMessageText('refusal', delta.refusal, events);
      if (typeof delta.content === 'string') this.addMessageText('output_text', delta.content, events);
      for (const fragment of delta.tool_calls ?? []) this.addToolCall(fragment, events);
    }
    if (typeof finishReason === 'string') this.finishReason = finishReason;
    return events;
  }

  private closeAll(events: ResponseEvent[]): void {
    this.closeReasoning(events);
    this.closeMessage(events);
    this.closeCalls(events);
  }

  /** Every open item closed, then the one terminal event: completed, or incomplete with its reason. */
  finish(usage: Usage): { events: ResponseEvent[]; response: JsonObject } {
    const events: ResponseEvent[] = [];
    this.closeAll(events);
    this.ended = true;
    const incompleteReason = this.finishReason === null ? undefined : incompleteReasons[this.finishReason];
    const response = this.responseOf({ status: incompleteReason === undefined ? 'completed' : 'incomplete', output: this.output, usage, ...(incompleteReason === undefined ? {} : { incompleteReason }) });
    events.push({ type: incompleteReason === undefined ? 'response.completed' : 'response.incomplete', response });
    return { events, response };
  }

  /** An `error` event, then `response.failed` with the output so far (open items left in progress). */
  fail(error: { code: string; message: string; param: string | null }): ResponseEvent[] {
    this.ended = true;
    const response = this.responseOf({ status: 'failed', output: this.output, usage: undefined, error: { code: error.code, message: error.message } });
    return [
      { type: 'error', code: error.code, message: error.message, param: error.param },
      { type: 'response.failed', response },
    ];
  }
}
