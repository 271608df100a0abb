// The push-based reading of an upstream body (issue 13): each read goes through the synchronous
// path inside the socket's 'data' event, and a committed stream's frames are written right there,
// one `write` per read; when the client's buffer is full the body is paused until 'drain'. No
// promise, timer or signal per read. Bodies that cannot flow (a debug tee, an in-process upstream)
// take the pull loop of pump-upstream.ts instead.
import { GatewayError } from '../core/errors.ts';
import type { BodyFlow, UpstreamBody } from '../core/upstream.ts';
import type { ClientStreamPath } from './client-stream-path.ts';
import type { CommittedStream, FrameSink } from './committed-stream.ts';
import type { StreamTarget } from './pump-upstream.ts';

export type FlowingBody = UpstreamBody & Required<Pick<UpstreamBody, 'flow'>>;

export function canFlow(body: UpstreamBody): body is FlowingBody {
  return body.flow !== undefined;
}

/** Drives a target from a flowing body; `onRead` runs after each read, end or failure. */
class FlowDriver {
  readonly #target: StreamTarget;
  readonly #onProgress: () => void;
  readonly #flow: BodyFlow;
  onRead: () => void = () => undefined;
  over = false;
  /** `[DONE]` came: the rest of the body is being read to its end, so it must not be cancelled. */
  #draining = false;
  failed = false;
  failure: unknown;

  constructor(body: FlowingBody, target: StreamTarget, onProgress: () => void) {
    this.#target = target;
    this.#onProgress = onProgress;
    this.#flow = body.flow({
      data: (chunk) => {
        this.#data(chunk);
      },
      end: () => {
        this.#end();
      },
      error: (error) => {
        this.#fail(error);
      },
    });
  }

  get flow(): BodyFlow {
    return this.#flow;
  }

  /** Gives the body back: cancelled while it is still needed, left to drain after `[DONE]`. */
  release(): void {
    if (!this.#draining) this.#flow.cancel();
    else this.#flow.resume();
  }

  #data(chunk: Uint8Array): void {
    // After `[DONE]` the rest of the body is read to its end and ignored (no AbortError per stream).
    if (this.over) return;
    const before = this.#target.chunks;
    try {
      this.#target.push(chunk);
      if (this.#target.finished) {
        this.over = true;
        this.#draining = true;
        this.#target.end();
      }
    } catch (error) {
      this.#draining = false;
      this.#flow.cancel();
      this.#settle(error);
    }
    if (this.#target.chunks !== before) this.#onProgress();
    this.onRead();
  }

  #end(): void {
    this.#draining = false;
    if (this.over) return;
    try {
      this.over = true;
      this.#target.end();
    } catch (error) {
      this.#settle(error);
    }
    this.onRead();
  }

  #fail(error: unknown): void {
    this.#draining = false;
    if (this.over) return;
    this.#settle(error);
    this.onRead();
  }

  #settle(error: unknown): void {
    this.over = true;
    this.failed = true;
    this.failure = error;
  }

  /** Waits until `ready()` holds, checked after each read. */
  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      this.onRead = () => {
        if (!ready()) return;
        this.onRead = () => undefined;
        resolve();
      };
    });
  }

  throwFailure(): void {
    if (this.failed) throw this.failure instanceof Error ? this.failure : new Error(String(this.failure));
  }
}

/** The collect adaptation over a flowing body: resolves at its end, throws its failure. */
export async function flowToEnd(body: FlowingBody, target: StreamTarget, onProgress: () => void): Promise<void> {
  const driver = new FlowDriver(body, target, onProgress);
  try {
    await driver.until(() => driver.over);
    driver.throwFailure();
  } finally {
    driver.release();
  }
}

/**
 * Reads to the commit point (the first client frame) and hands back the stream. Throws what went
 * wrong before it; a read that made frames and then failed commits, its failure after them.
 */
export async function flowToCommit(body: FlowingBody, path: ClientStreamPath, channel: string, onProgress: () => void, settle: () => void): Promise<CommittedStream> {
  const driver = new FlowDriver(body, path, onProgress);
  try {
    await driver.until(() => path.frames > 0 || driver.over);
  } catch (error) {
    driver.release();
    throw error;
  }
  if (path.frames === 0) {
    driver.release();
    driver.throwFailure();
    throw new GatewayError('upstream_bad_response', `${channel} ended its stream without a single chunk`, { upstream: { channel, status: 200 } });
  }
  return {
    async pipeTo(sink: FrameSink) {
      const deliver = (): void => {
        const text = path.take();
        if (text === '' || sink.write(text) || driver.over) return;
        driver.flow.pause();
        void sink.drained().then(() => {
          driver.flow.resume();
        });
      };
      try {
        deliver();
        await driver.until(() => {
          deliver();
          return driver.over;
        });
        driver.throwFailure();
      } finally {
        driver.release();
        settle();
      }
    },
  };
}
