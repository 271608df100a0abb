// Folds a stream of chat.completion.chunk into one chat.completion: how Sluice serves a non-streaming
// client from an upstream that only streams (DashScope QwQ, docs/design.md problem 3) or prefers to.
import {
  isJsonObject,
  type AssistantMessage,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChunkChoice,
  type CompletionChoice,
  type JsonObject,
  type PlainContent,
  type ReasoningState,
  type ToolCall,
  type ToolCallDelta,
  type Usage,
} from '../core/chat.ts';
import { readDeltaText, readReasoning } from './read-delta-text.ts';

interface ToolCallParts {
  id: string | undefined;
  type: string | undefined;
  name: string | undefined;
  arguments: string;
  /** Unknown fragment fields, e.g. Gemini's `extra_content.google.thought_signature`. */
  extra: JsonObject;
}

interface ChoiceParts {
  role: string | undefined;
  content: string;
  contentSeen: boolean;
  reasoning: string;
  refusal: string;
  toolCalls: Map<number, ToolCallParts>;
  /** Issue 14: a dialect's reasoning blocks, in stream order (one family per answer). */
  reasoningState: ReasoningState | undefined;
  finishReason: string | null;
  logprobsContent: unknown[] | undefined;
  logprobsRefusal: unknown[] | undefined;
}

const knownToolCallKeys = new Set(['index', 'id', 'type', 'function']);

export class CompletionCollector {
  #id = '';
  #created = 0;
  #model = '';
  #systemFingerprint: unknown;
  #serviceTier: unknown;
  #usage: Usage | undefined;
  #text = '';
  readonly #choices = new Map<number, ChoiceParts>();

  /** All generated text so far (content, reasoning, refusal, tool calls), for token estimation. */
  get text(): string {
    return this.#text;
  }

  add(chunk: ChatCompletionChunk): void {
    // Azure's prompt-filter preamble and TGI send `id: ""`, `model: ""`, `created: 0`
    // (docs/wire-formats.md 2.1, 2.5): keep the first non-empty value of each.
    if (this.#id === '' && typeof chunk.id === 'string') this.#id = chunk.id;
    if (this.#model === '' && typeof chunk.model === 'string') this.#model = chunk.model;
    if (this.#created === 0 && typeof chunk.created === 'number') this.#created = chunk.created;
    if (chunk.system_fingerprint !== undefined && this.#systemFingerprint == null) {
      this.#systemFingerprint = chunk.system_fingerprint;
    }
    if (chunk.service_tier !== undefined && this.#serviceTier == null) this.#serviceTier = chunk.service_tier;
    // Usage comes on a `choices: []` chunk (OpenAI) or on the finish chunk (DeepSeek, Mistral, Groq).
    if (isJsonObject(chunk.usage)) this.#usage = chunk.usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) this.#addChoice(choice);
  }

  /**
   * What `add` does with a chunk that repeats an added one but for its content string (the collect
   * path's plain chunks, src/relay/read-upstream-events.ts): false when that choice was never added.
   */
  addContent({ index, content }: PlainContent): boolean {
    const parts = this.#choices.get(index);
    if (parts === undefined) return false;
    this.#text += content;
    parts.content += content;
    parts.contentSeen = true;
    return true;
  }

  result(): ChatCompletion {
    const choices = [...this.#choices.entries()]
      .sort(([left], [right]) => left - right)
      .map(([index, parts]) => buildChoice(index, parts));
    const completion: ChatCompletion = {
      id: this.#id,
      object: 'chat.completion',
      created: this.#created,
      model: this.#model,
      choices,
    };
    if (this.#usage !== undefined) completion.usage = this.#usage;
    if (this.#systemFingerprint !== undefined) completion.system_fingerprint = this.#systemFingerprint;
    if (this.#serviceTier !== undefined) completion.service_tier = this.#serviceTier;
    return completion;
  }

  #addChoice(choice: ChunkChoice): void {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    let parts = this.#choices.get(index);
    if (parts === undefined) {
      parts = {
        role: undefined,
        content: '',
        contentSeen: false,
        reasoning: '',
        refusal: '',
        toolCalls: new Map(),
        reasoningState: undefined,
        finishReason: null,
        logprobsContent: undefined,
        logprobsRefusal: undefined,
      };
      this.#choices.set(index, parts);
    }
    if (typeof choice.finish_reason === 'string') parts.finishReason = choice.finish_reason;
    addLogprobs(parts, choice.logprobs);
    // Azure content-filter annotation chunks have no `delta` (docs/wire-formats.md 2.1).
    const delta = choice.delta;
    if (!isJsonObject(delta)) return;
    this.#text += readDeltaText(delta);
    if (parts.role === undefined && typeof delta.role === 'string' && delta.role !== '') parts.role = delta.role;
    if (typeof delta.content === 'string') {
      parts.content += delta.content;
      parts.contentSeen = true;
    }
    parts.reasoning += readReasoning(delta) ?? '';
    if (typeof delta.refusal === 'string') parts.refusal += delta.refusal;
    if (delta.reasoning_state !== undefined) addReasoningState(parts, delta.reasoning_state);
    if (Array.isArray(delta.tool_calls)) {
      for (const fragment of delta.tool_calls) addToolCallFragment(parts.toolCalls, fragment);
    }
  }
}

/**
 * Tool-call fragments are keyed by `index`, which may start at 1 (OpenRouter→Anthropic); a whole call
 * may come in one fragment (xAI); `name` may come in a later fragment; `type` may never come
 * (Mistral, Azure AI Foundry) (docs/wire-formats.md 0.5).
 */
function addToolCallFragment(calls: Map<number, ToolCallParts>, fragment: ToolCallDelta): void {
  if (!isJsonObject(fragment)) return;
  const index = typeof fragment.index === 'number' ? fragment.index : calls.size;
  let call = calls.get(index);
  if (call === undefined) {
    call = { id: undefined, type: undefined, name: undefined, arguments: '', extra: {} };
    calls.set(index, call);
  }
  if (typeof fragment.id === 'string' && fragment.id !== '') call.id = fragment.id;
  if (typeof fragment.type === 'string' && fragment.type !== '') call.type = fragment.type;
  const fn = fragment.function;
  if (isJsonObject(fn)) {
    if (typeof fn.name === 'string' && fn.name !== '') call.name = fn.name;
    if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
  }
  for (const key of Object.keys(fragment)) {
    if (!knownToolCallKeys.has(key)) call.extra[key] = fragment[key];
  }
}

function addReasoningState(parts: ChoiceParts, state: ReasoningState): void {
  if (parts.reasoningState?.family === state.family) parts.reasoningState.blocks.push(...state.blocks);
  else parts.reasoningState = { family: state.family, blocks: [...state.blocks] };
}

function addLogprobs(parts: ChoiceParts, logprobs: unknown): void {
  if (!isJsonObject(logprobs)) return;
  if (Array.isArray(logprobs.content)) parts.logprobsContent = appendAll(parts.logprobsContent, logprobs.content);
  if (Array.isArray(logprobs.refusal)) parts.logprobsRefusal = appendAll(parts.logprobsRefusal, logprobs.refusal);
}

function appendAll(target: unknown[] | undefined, items: readonly unknown[]): unknown[] {
  const result = target ?? [];
  for (const item of items) result.push(item);
  return result;
}

/** A result taken mid-stream must not grow when later chunks arrive. */
function copyOrNull(items: unknown[] | undefined): unknown[] | null {
  return items === undefined ? null : [...items];
}

function buildChoice(index: number, parts: ChoiceParts): CompletionChoice {
  const toolCalls: ToolCall[] = [...parts.toolCalls.entries()]
    .sort(([left], [right]) => left - right)
    .map(([, call]) => ({
      ...call.extra,
      id: call.id ?? '',
      type: call.type ?? 'function',
      function: { name: call.name ?? '', arguments: call.arguments },
    }));
  // OpenAI answers `content: null` beside tool calls or a refusal; an empty stream of text stays "".
  const hasOtherOutput = toolCalls.length > 0 || parts.refusal !== '';
  const content = parts.content !== '' || (parts.contentSeen && !hasOtherOutput) ? parts.content : null;
  const message: AssistantMessage = { role: parts.role ?? 'assistant', content };
  if (parts.reasoning !== '') message.reasoning_content = parts.reasoning;
  if (parts.refusal !== '') message.refusal = parts.refusal;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (parts.reasoningState !== undefined) message.reasoning_state = { family: parts.reasoningState.family, blocks: [...parts.reasoningState.blocks] };
  const logprobs =
    parts.logprobsContent === undefined && parts.logprobsRefusal === undefined
      ? null
      : { content: copyOrNull(parts.logprobsContent), refusal: copyOrNull(parts.logprobsRefusal) };
  return { index, message, finish_reason: parts.finishReason, logprobs };
}

/** Folds a whole recorded stream at once. */
export function collectChunks(chunks: Iterable<ChatCompletionChunk>): ChatCompletion {
  const collector = new CompletionCollector();
  for (const chunk of chunks) collector.add(chunk);
  return collector.result();
}
