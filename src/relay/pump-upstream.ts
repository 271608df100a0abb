// Drives the stream path (issue 13): one upstream read at a time into a synchronous transform
// (`StreamTarget`), with no async stage per event or per chunk. The caller writes what each read
// produced with one `write` and waits for 'drain' before the next read (backpressure: the body is
// not read meanwhile, so its socket fills and pauses). A variant driven by the body's 'data' events
// (commit 7a88203) measured 5–15 % more CPU per stream at concurrency 64 (docs/benchmarks.md).
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

export class UpstreamPump {
  readonly #iterator: AsyncIterator<Uint8Array>;
  readonly #target: StreamTarget;
  readonly #onProgress: () => void;
  #over = false;

  constructor(body: AsyncIterable<Uint8Array>, target: StreamTarget, onProgress: () => void) {
    this.#iterator = body[Symbol.asyncIterator]();
    this.#target = target;
    this.#onProgress = onProgress;
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
      (read) => this.#take(read, before),
      (error: unknown) => {
        this.#over = true;
        throw error;
      },
    );
  }

  #take(read: IteratorResult<Uint8Array>, before: number): Promise<void> | undefined {
    try {
      if (read.done === true) {
        this.#over = true;
        this.#target.end();
        return undefined;
      }
      this.#target.push(read.value);
      if (this.#target.finished) {
        this.#over = true;
        drainQuietly(this.#iterator);
        this.#target.end();
      }
      return undefined;
    } catch (error) {
      return this.release().then(() => {
        throw error;
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
