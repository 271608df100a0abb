// Drives the stream path (issue 13): one upstream read at a time into a synchronous transform
// (`StreamTarget`), with no async stage per event or per chunk. The caller writes what each read
// produced with one `write` and waits for 'drain' before the next read (backpressure: the body is
// not read meanwhile, so its socket fills and pauses). A variant driven by the body's 'data' events
// (commit 7a88203) measured 5–15 % more CPU per stream at concurrency 64 (docs/benchmarks.md).
import { EventTooLargeError } from '../codec/sse/index.ts';
import { GatewayError } from '../core/errors.ts';
import type { CallbackReader } from '../core/upstream.ts';
import { drainQuietly } from '../lib/drain-quietly.ts';
export interface StreamTarget {
  /** One read; throws the stream's error. */
  push(bytes: Uint8Array): void;
  /** The body ended or `[DONE]` came; throws when the stream is incomplete. */
  end(): void;
  /** Upstream chunks seen so far (each one is progress for the idle timer). */
  readonly chunks: number;
  /** `[DONE]` seen: the rest of the body is drained unread. */
  readonly finished: boolean;
}

/** The other body limits' error (src/upstream/read-upstream-body.ts `bodyTooLarge`), for one unfinished stream event. */
function eventTooLarge(error: EventTooLargeError, channel: string): GatewayError {
  return new GatewayError('upstream_body_too_large', `${channel} sent one stream event longer than ${error.maxEventChars.toLocaleString('en-US')} characters without ending it; Sluice stopped reading the stream`, {
    cause: error,
    upstream: { channel, status: 200 },
  });
}

export class UpstreamPump {
  readonly #iterator: AsyncIterator<Uint8Array>;
  readonly #reader: CallbackReader | undefined;
  readonly #target: StreamTarget;
  readonly #onProgress: () => void;
  /** The channel's name, for the error of an event past the decoder's cap. */
  readonly #channel: string;
  #over = false;
  /** The read `stepThen` waits for: its callbacks and the target's chunks before it. */
  #done: (() => void) | undefined;
  #fail: ((error: unknown) => void) | undefined;
  #before = 0;

  constructor(body: AsyncIterable<Uint8Array>, target: StreamTarget, onProgress: () => void, channel: string) {
    this.#iterator = body[Symbol.asyncIterator]();
    const reader = this.#iterator as Partial<CallbackReader>;
    this.#reader = typeof reader.readInto === 'function' ? (reader as CallbackReader) : undefined;
    this.#target = target;
    this.#onProgress = onProgress;
    this.#channel = channel;
  }

  /** The stream is over (ended, failed or released): no more reads. */
  get over(): boolean {
    return this.#over;
  }

  /**
   * One upstream read through the target. Rejects with the stream's error (the body released first).
   * Not an async function: a held stream's pending read keeps no suspended frame.
   */
  step(): Promise<void> {
    if (this.#over) return Promise.resolve();
    const before = this.#target.chunks;
    return this.#iterator.next().then(
      (read) => this.#take(read.done === true ? null : read.value, before),
      (error: unknown) => {
        this.#over = true;
        throw error;
      },
    );
  }

  /**
   * `step` with callbacks: `done` once the read went through the target, `fail` with the stream's
   * error (the body released first). A body that can read with callbacks (an upstream's) makes no
   * promise per read (docs/benchmarks.md "Stream reads without promises, round six"); `done` may
   * come before this returns, so the caller loops rather than stepping again from inside it.
   */
  stepThen(done: () => void, fail: (error: unknown) => void): void {
    if (this.#over) {
      done();
      return;
    }
    if (this.#reader === undefined) {
      this.step().then(done, fail);
      return;
    }
    this.#done = done;
    this.#fail = fail;
    this.#before = this.#target.chunks;
    this.#reader.readInto(this.#onChunk, this.#onError);
  }

  readonly #onChunk = (chunk: Uint8Array | null): void => {
    const done = this.#done;
    const fail = this.#fail;
    this.#done = this.#fail = undefined;
    const failed = this.#take(chunk, this.#before);
    if (failed === undefined) done?.();
    else failed.then(done, (error: unknown) => fail?.(error));
  };

  readonly #onError = (error: unknown): void => {
    const fail = this.#fail;
    this.#done = this.#fail = undefined;
    this.#over = true;
    fail?.(error);
  };

  /** One read (null: the body ended) through the target; a promise that rejects when it failed. */
  #take(chunk: Uint8Array | null, before: number): Promise<void> | undefined {
    try {
      if (chunk === null) {
        this.#over = true;
        this.#target.end();
        return undefined;
      }
      this.#target.push(chunk);
      if (this.#target.finished) {
        this.#over = true;
        drainQuietly(this.#iterator);
        this.#target.end();
      }
      return undefined;
    } catch (error) {
      const failure = error instanceof EventTooLargeError ? eventTooLarge(error, this.#channel) : error;
      return this.release().then(() => {
        throw failure;
      });
    } finally {
      if (this.#target.chunks !== before) this.#onProgress();
    }
  }

  /** Stops reading and gives the body back (a failure, or the client left). */
  async release(): Promise<void> {
    if (this.#over) return;
    this.#over = true;
    await this.#iterator.return?.();
  }
}
