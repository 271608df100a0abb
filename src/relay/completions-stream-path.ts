// The stream path of a legacy Completions call (issue 18): upstream bytes → Sluice's tolerant SSE
// decoder (src/codec/sse) → the dialect's `text_completion` chunks → clean client frames, one string
// per upstream read, driven by the same pump and commit point as chat (pump-upstream.ts,
// committed-stream.ts). Like the chat client path (client-stream-path.ts): the client's model name in
// every chunk, usage only when the client asked for it and once at the end (counted locally when the
// upstream gave none), and a stream that stops before a finish_reason is a failure, never a silent
// truncation. It has no encoder of its own: write-sse.ts writes Chat Completions' in-band error
// event and the final `[DONE]`, which is this endpoint's framing too (docs/wire-formats.md 1.6).
import { createStreamDecoder, encodeDataEvent, type EventDecoder, type StreamEvent } from '../codec/sse/index.ts';
import { isJsonObject, type JsonObject, type Usage } from '../core/chat.ts';
import type { TextCompletion } from '../core/completions.ts';
import { GatewayError } from '../core/errors.ts';
import type { ParseContext } from '../providers/types.ts';
import type { FramePath } from './committed-stream.ts';
import type { StreamTarget } from './pump-upstream.ts';
import { recordUsage, type RequestRecord } from './request-record.ts';

export interface CompletionsStreamOptions {
  clientModel: string;
  /** The client sent `stream_options.include_usage: true`. */
  clientWantsUsage: boolean;
  record: RequestRecord;
  context: ParseContext;
  /** The dialect's reading of one event (throws on an in-band error). */
  parseEvent: (event: StreamEvent, context: ParseContext) => TextCompletion | undefined;
  /** Sluice's count for the answer text, when the upstream gave no usage. */
  estimate: (text: string) => Usage;
}

export class CompletionsStreamPath implements StreamTarget, FramePath {
  readonly #decoder: EventDecoder<Uint8Array> = createStreamDecoder();
  readonly #options: CompletionsStreamOptions;
  readonly encoder = undefined;
  #out = '';
  #id: unknown;
  #created: unknown;
  #usage: Usage | undefined;
  #text = '';
  #sawFinishReason = false;
  frames = 0;
  chunks = 0;

  constructor(options: CompletionsStreamOptions) {
    this.#options = options;
  }

  get finished(): boolean {
    return this.#decoder.isFinished();
  }

  push(bytes: Uint8Array): void {
    for (const event of this.#decoder.push(bytes)) this.#event(event);
  }

  /** The upstream ended (or sent `[DONE]`): the usage chunk when asked for, and the tokens for the log row. */
  end(): void {
    for (const event of this.#decoder.end()) this.#event(event);
    const { record, context, clientWantsUsage } = this.#options;
    if (!this.#sawFinishReason) {
      throw new GatewayError('upstream_bad_response', `${context.channel} ended its stream before a finish_reason`, { upstream: { channel: context.channel, status: 200 } });
    }
    const usage = this.#usage ?? this.#options.estimate(this.#text);
    // OpenAI's last chunk with include_usage: `choices: []` and the usage (docs/wire-formats.md 1.6).
    if (clientWantsUsage) this.#frame(encodeDataEvent({ id: this.#id, object: 'text_completion', created: this.#created, model: this.#options.clientModel, usage, choices: [] }));
    recordUsage(record, usage, this.#usage === undefined ? 'estimated' : 'upstream');
  }

  take(): string {
    const out = this.#out;
    this.#out = '';
    return out;
  }

  #event(event: StreamEvent): void {
    const chunk = this.#options.parseEvent(event, this.#options.context);
    if (chunk === undefined) return;
    this.chunks += 1;
    this.#id ??= chunk.id;
    this.#created ??= chunk.created;
    // Usage rides on a `choices: []` chunk (OpenAI, vLLM) or on the last text chunk (some servers).
    if (isJsonObject(chunk.usage)) this.#usage = chunk.usage as Usage;
    if (chunk.choices.length === 0) return;
    for (const choice of chunk.choices) {
      if (typeof choice.text === 'string') this.#text += choice.text;
      if (choice.finish_reason !== undefined && choice.finish_reason !== null) this.#sawFinishReason = true;
    }
    const shaped: JsonObject = { ...chunk, model: this.#options.clientModel };
    // With include_usage OpenAI sends `usage: null` on every chunk but the last; without it, none.
    if (this.#options.clientWantsUsage) shaped.usage = null;
    else delete shaped.usage;
    this.#frame(encodeDataEvent(shaped));
  }

  #frame(frame: string): void {
    this.#out += frame;
    this.frames += 1;
  }
}
