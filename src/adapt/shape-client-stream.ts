// Shapes every chunk Sluice sends a streaming client into OpenAI's contract, whatever the upstream
// sent: the client's model name, usage only when asked for and only once at the end, no empty
// preamble chunks. Runs on every chunk of every stream, so it copies only what it changes.
import {
  isJsonObject,
  type ChatCompletionChunk,
  type ChunkChoice,
  type PlainChunk,
  type Usage,
  type UsageSource,
} from '../core/chat.ts';
import { readDeltaText } from './read-delta-text.ts';
import { detachString } from '../lib/detach-string.ts';

export interface ClientStreamShaperOptions {
  /** The model name the client asked for; every chunk carries it. */
  clientModel: string;
  /** The client sent `stream_options.include_usage: true`. */
  clientWantsUsage: boolean;
  /**
   * The client's protocol carries reasoning states (a Responses or Messages encoder, issue 14); a
   * Chat Completions client never gets one. Default false.
   */
  keepReasoningState?: boolean;
}

export class ClientStreamShaper {
  readonly #clientModel: string;
  readonly #clientWantsUsage: boolean;
  readonly #keepReasoningState: boolean;
  #id = '';
  #created = 0;
  #systemFingerprint: unknown;
  #usage: Usage | undefined;
  #usageSource: UsageSource | undefined;
  #text = '';
  #sawFinishReason = false;

  constructor(options: ClientStreamShaperOptions) {
    this.#clientModel = options.clientModel;
    this.#clientWantsUsage = options.clientWantsUsage;
    this.#keepReasoningState = options.keepReasoningState ?? false;
  }

  /** Upstream usage once seen; after `finish()`, the estimate if the upstream gave none. */
  get usage(): Usage | undefined {
    return this.#usage;
  }

  get usageSource(): UsageSource | undefined {
    return this.#usageSource;
  }

  /** All generated text seen (content, reasoning, refusal, tool calls), for token estimation. */
  get text(): string {
    return this.#text;
  }

  get sawFinishReason(): boolean {
    return this.#sawFinishReason;
  }

  /** The chunks to send the client for this upstream chunk: 0 or 1. */
  shape(chunk: ChatCompletionChunk): ChatCompletionChunk[] {
    // Azure's prompt-filter preamble and TGI carry `id: ""`, `created: 0` (docs/wire-formats.md 2.1, 2.5).
    if (this.#id === '' && typeof chunk.id === 'string') this.#id = chunk.id;
    if (this.#created === 0 && typeof chunk.created === 'number') this.#created = chunk.created;
    if (this.#systemFingerprint == null && chunk.system_fingerprint != null) {
      this.#systemFingerprint = chunk.system_fingerprint;
    }
    // Usage rides on a `choices: []` chunk (OpenAI) or on the finish chunk (DeepSeek, Mistral, Groq).
    if (isJsonObject(chunk.usage)) {
      this.#usage = chunk.usage;
      this.#usageSource = 'upstream';
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    // Usage-only chunks wait for finish(); empty preambles (Azure prompt filter) are dropped.
    if (choices.length === 0) return [];
    let needsDelta = false;
    let hasReasoningState = false;
    for (const choice of choices) {
      if (choice.finish_reason != null) this.#sawFinishReason = true;
      if (isJsonObject(choice.delta)) {
        this.#text += readDeltaText(choice.delta);
        if (choice.delta.reasoning_state !== undefined) hasReasoningState = true;
      } else needsDelta = true;
    }
    const shaped: ChatCompletionChunk = {
      ...chunk,
      object: 'chat.completion.chunk',
      model: this.#clientModel,
      // Azure annotation chunks after the finish chunk carry `id: ""`, `created: 0`, `object: ""`.
      id: chunk.id === '' || typeof chunk.id !== 'string' ? this.#id : chunk.id,
      created: chunk.created === 0 || typeof chunk.created !== 'number' ? this.#created : chunk.created,
    };
    // Those annotation choices have no `delta` at all; SDKs that read `choice.delta.content` would throw.
    if (needsDelta) shaped.choices = choices.map(withDelta);
    if (hasReasoningState && !this.#keepReasoningState) shaped.choices = shaped.choices.map(withoutReasoningState);
    // With include_usage OpenAI sends `usage: null` on every chunk but the final usage chunk; without
    // it no `usage` key at all (docs/wire-formats.md 1.3). The real usage goes out once, from finish().
    if (this.#clientWantsUsage) shaped.usage = null;
    else delete shaped.usage;
    return [shaped];
  }

  /**
   * A chunk passed through as the upstream's text (src/providers/openai/scan-plain-chunk.ts): only
   * what `shape` would have noted from it. It carries no usage, so the client gets it as it is, with
   * its model name replaced (the caller splices the text).
   */
  notePlain(plain: PlainChunk): void {
    // The id, fingerprint and text are cut from the chunk's SSE event: kept as they are, they would keep
    // every event of the stream alive until its end (src/lib/detach-string.ts).
    if (this.#id === '') this.#id = detachString(plain.id);
    if (this.#created === 0) this.#created = plain.created;
    if (this.#systemFingerprint == null && plain.systemFingerprint !== undefined) this.#systemFingerprint = detachString(plain.systemFingerprint);
    this.#text += detachString(plain.text);
    if (plain.finishes) this.#sawFinishReason = true;
  }

  /**
   * After the upstream ended: the final `choices: []` usage chunk when the client asked for usage,
   * else []. Usage is the upstream's if any was seen, otherwise `estimate()`; it is resolved either
   * way, so `usage` and `usageSource` are set for Sluice's own log after this call.
   */
  finish(estimate: () => Usage): ChatCompletionChunk[] {
    if (this.#usage === undefined) {
      this.#usage = estimate();
      this.#usageSource = 'estimated';
    }
    if (!this.#clientWantsUsage) return [];
    const usageChunk: ChatCompletionChunk = {
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#created,
      model: this.#clientModel,
      choices: [],
      usage: this.#usage,
    };
    if (this.#systemFingerprint != null) usageChunk.system_fingerprint = this.#systemFingerprint;
    return [usageChunk];
  }
}

/** A reasoning state is for the family that made it, through a protocol that carries it: never in a Chat Completions frame. */
function withoutReasoningState(choice: ChunkChoice): ChunkChoice {
  if (choice.delta?.reasoning_state === undefined) return choice;
  const { reasoning_state: _state, ...delta } = choice.delta;
  return { ...choice, delta };
}

function withDelta(choice: ChunkChoice): ChunkChoice {
  return isJsonObject(choice.delta) ? choice : { ...choice, delta: {} };
}
