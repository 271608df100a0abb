// The stream path of a same-dialect pass-through (issue 14, docs/ingress-protocols.md §D1): upstream
// bytes → Sluice's tolerant SSE decoder → the dialect's re-framing (src/providers/*/pass-through-*.ts)
// → client frames, one string per upstream read, like the translated path (client-stream-path.ts)
// and driven by the same pump. Prelude events are held until something is said, so the commit point
// is the first event that matters; an in-band error before it fails the attempt invisibly.
import { createStreamDecoder, KEEPALIVE_FRAME, type EventDecoder, type StreamEvent } from '../codec/sse/index.ts';
import type { Usage } from '../core/chat.ts';
import type { GatewayError } from '../core/errors.ts';
import type { StreamEncoder } from '../core/ingress-codec.ts';
import type { PassThroughStream } from '../providers/types.ts';
import type { FramePath } from './committed-stream.ts';
import type { StreamTarget } from './pump-upstream.ts';
import { recordUsage, type RequestRecord } from './request-record.ts';

export interface PassThroughPathOptions {
  record: RequestRecord;
  /** Sluice's count for an answer text, when the upstream gave no usage. */
  estimate: (text: string) => Usage;
  /** The client protocol's encoder: its keep-alive and its failure frames, when the dialect has none. */
  clientEncoder: StreamEncoder | undefined;
}

export class PassThroughPath implements StreamTarget, FramePath {
  readonly #decoder: EventDecoder<Uint8Array> = createStreamDecoder();
  readonly #relay: PassThroughStream;
  readonly #options: PassThroughPathOptions;
  /** Prelude frames not yet sent: they go out with the first frame that commits. */
  #held = '';
  #out = '';
  /** An in-band `error` after the commit point that was not the stream's end (Responses). */
  #pendingFailure: GatewayError | undefined;
  /** The upstream's own failure event reached the client: Sluice adds no failure frames of its own. */
  #upstreamEnded = false;
  frames = 0;
  chunks = 0;
  readonly encoder: StreamEncoder;

  constructor(relay: PassThroughStream, options: PassThroughPathOptions) {
    this.#relay = relay;
    this.#options = options;
    const client = options.clientEncoder;
    this.encoder = {
      keepalive: client?.keepalive ?? KEEPALIVE_FRAME,
      encodeChunk: () => '',
      encodeEnd: () => '',
      encodeFailure: (error, requestId) => (this.#upstreamEnded ? '' : (relay.failureFrames(error) ?? client?.encodeFailure(error, requestId) ?? '')),
    };
  }

  get finished(): boolean {
    return this.#decoder.isFinished();
  }

  push(bytes: Uint8Array): void {
    for (const event of this.#decoder.push(bytes)) this.#event(event);
  }

  /** The upstream ended: its terminal event must have come; then the tokens for the log row. */
  end(): void {
    for (const event of this.#decoder.end()) this.#event(event);
    try {
      this.#relay.finish();
    } catch (error) {
      throw this.#pendingFailure ?? error;
    }
    if (this.#pendingFailure !== undefined) throw this.#pendingFailure;
    const { record } = this.#options;
    const usage = this.#relay.usage ?? this.#options.estimate(this.#relay.text);
    recordUsage(record, usage, this.#relay.usage === undefined ? 'estimated' : 'upstream');
  }

  take(): string {
    const out = this.#out;
    this.#out = '';
    return out;
  }

  #event(event: StreamEvent): void {
    const passed = this.#relay.accept(event);
    if (passed.frames === '') return;
    this.chunks += 1;
    if (passed.failure !== undefined) {
      // Nothing sent yet: the attempt fails and may be retried or failed over.
      if (this.frames === 0) throw passed.failure;
      this.#emit(passed.frames);
      if (passed.terminal !== true) {
        this.#pendingFailure ??= passed.failure;
        return;
      }
      this.#upstreamEnded = true;
      throw passed.failure;
    }
    if (passed.prelude && this.frames === 0) this.#held += passed.frames;
    else this.#emit(passed.frames);
  }

  #emit(frames: string): void {
    this.#out += this.#held + frames;
    this.#held = '';
    this.frames += 1;
  }
}
