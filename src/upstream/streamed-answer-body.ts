// An uncompressed streamed answer's body, fed by undici's dispatch handler (streamed-answer-call.ts)
// instead of request()'s Readable: the handler hands each body chunk to `push`, and the reader takes
// them with `readInto` (callbacks, a committed stream's reads) or `next` (a promise, the reads before
// the commit point). Per stream that is no Readable (its state, buffer list, listeners, and the
// nextTick behind each 'readable'), no AsyncResource, and no listener to find the end, an error or a
// close: the handler says which happened. The same bounds as before: the cap on the body's bytes,
// undici's timeouts, and a read that waits while the client is slow pauses the socket once
// `queuedBytesBeforePause` are held, as request()'s body did at its highWaterMark.
import type { Dispatcher } from 'undici';
import type { GatewayError } from '../core/errors.ts';
import type { CallbackReader } from '../core/upstream.ts';
import { bodyTooLarge, type BodyScope } from './read-upstream-body.ts';

/**
 * Bytes held for a reader that has not asked for them before the upstream's socket is paused: the
 * default highWaterMark of the Readable that undici's request() gave a body (node_modules/undici/lib/
 * api/readable.js), so a slow client holds no more of an upstream's stream than it did before.
 */
export const queuedBytesBeforePause = 64 * 1024;

/** What a reader stops with: one error, the same for every call (it is never thrown to anyone). */
const stoppedByReader = Object.assign(new Error('The reader stopped reading the upstream body'), { code: 'UND_ERR_ABORTED' });

type Controller = Dispatcher.DispatchController;

export class StreamedAnswerBody implements AsyncIterableIterator<Uint8Array>, CallbackReader {
  readonly #scope: BodyScope;
  readonly #controller: Controller;
  /** Chunks the reader has not taken yet, and their bytes. */
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #received = 0;
  /** Undefined while the body runs; null once undici reported its end; else what ended it. */
  #ending: GatewayError | null | undefined = undefined;
  /** undici is done with the call (its end or its error came, or the reader stopped it). */
  #settled = false;
  /** The reader has had the end or the error, or stopped: nothing more is read. */
  #over = false;
  /** A waiting read's callbacks (the reader's own, bound once: nothing is made per read). */
  #onChunk: ((chunk: Uint8Array | null) => void) | undefined;
  #onError: ((error: unknown) => void) | undefined;
  /** An answer to the waiting read is due in a microtask: chunks that came in one socket read go out together. */
  #answerDue = false;
  /** Called once when undici is done with the call (the abort listener goes). */
  readonly #onSettled: () => void;

  constructor(controller: Controller, scope: BodyScope, onSettled: () => void) {
    this.#controller = controller;
    this.#scope = scope;
    this.#onSettled = onSettled;
  }

  /** A chunk from the socket. Pauses the socket when the reader holds too much it has not read. */
  push(chunk: Buffer): void {
    if (this.#settled) return;
    this.#received += chunk.byteLength;
    if (this.#received > this.#scope.capBytes) {
      // Nothing past the cap is read: the call is cut now, what is queued with it is dropped (the
      // Readable handed it out in one read with the chunk that went over, which failed it whole).
      this.#settle(bodyTooLarge(this.#scope));
      this.#controller.abort(this.#ending as GatewayError);
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.byteLength;
    if (this.#onChunk !== undefined) this.#answerSoon();
    else if (this.#queued >= queuedBytesBeforePause) this.#controller.pause();
  }

  /** undici's end of the body. */
  end(): void {
    if (this.#settled) return;
    this.#settle(null);
  }

  /** undici's error (a cut, a timeout, the call's abort), already described. */
  fail(error: GatewayError): void {
    if (this.#settled) return;
    this.#settle(error);
  }

  #settle(ending: GatewayError | null): void {
    this.#settled = true;
    this.#ending = ending;
    // A failed body hands out nothing more (a destroyed Readable's read() gave nothing either).
    if (ending !== null) this.#drop();
    this.#onSettled();
    if (this.#onChunk !== undefined) this.#answerSoon();
  }

  #answerSoon(): void {
    if (this.#answerDue) return;
    this.#answerDue = true;
    queueMicrotask(this.#answer);
  }

  readonly #answer = (): void => {
    this.#answerDue = false;
    const onChunk = this.#onChunk;
    const onError = this.#onError;
    if (onChunk === undefined || onError === undefined) return;
    this.#onChunk = this.#onError = undefined;
    if (!this.#readNow(onChunk, onError)) {
      this.#onChunk = onChunk;
      this.#onError = onError;
    }
  };

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * One read without a promise: `onChunk` gets what the socket gave since the last read (one piece),
   * or null at the end; `onError` what ended the body. Called at once when something is queued, else
   * when the next chunk, the end or an error comes. The caller loops on an answer given at once.
   */
  readInto(onChunk: (chunk: Uint8Array | null) => void, onError: (error: unknown) => void): void {
    if (!this.#readNow(onChunk, onError)) {
      this.#onChunk = onChunk;
      this.#onError = onError;
    }
  }

  /** Answers a read with what is here; false when there is nothing yet. */
  #readNow(onChunk: (chunk: Uint8Array | null) => void, onError: (error: unknown) => void): boolean {
    if (this.#over) {
      onChunk(null);
      return true;
    }
    if (this.#queued > 0 || this.#queue.length > 0) {
      const chunk = this.#take();
      onChunk(chunk);
      return true;
    }
    const ending = this.#ending;
    if (ending === undefined) return false;
    this.#finish();
    if (ending === null) onChunk(null);
    else onError(ending);
    return true;
  }

  /** Everything queued, in one piece; the socket goes on if it was paused for the reader. */
  #take(): Buffer {
    const queue = this.#queue;
    const chunk = queue.length === 1 ? (queue[0] as Buffer) : Buffer.concat(queue, this.#queued);
    this.#drop();
    if (!this.#settled && this.#controller.paused) this.#controller.resume();
    return chunk;
  }

  #drop(): void {
    this.#queue.length = 0;
    this.#queued = 0;
  }

  /** Not an async function: a waiting read keeps a promise and its resolvers, no suspended frame. */
  next(): Promise<IteratorResult<Uint8Array>> {
    return new Promise((resolve, reject) => {
      this.readInto((chunk) => {
        resolve(chunk === null ? { done: true, value: undefined } : { done: false, value: chunk });
      }, reject);
    });
  }

  /** The reader stops early: the call is cut unless undici is done with it. */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.#finish();
    if (!this.#settled) {
      this.#settled = true;
      this.#ending = null;
      this.#drop();
      this.#onSettled();
      this.#controller.abort(stoppedByReader);
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  /** The whole body in one piece (an error body), held to the same cap. */
  readAll(): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      let length = 0;
      const onChunk = (chunk: Uint8Array | null): void => {
        if (chunk === null) {
          resolve(Buffer.concat(chunks, length));
          return;
        }
        chunks.push(chunk);
        length += chunk.byteLength;
        this.readInto(onChunk, reject);
      };
      this.readInto(onChunk, reject);
    });
  }

  #finish(): void {
    if (this.#over) return;
    this.#over = true;
    this.#onChunk = this.#onError = undefined;
    this.#scope.onEnd();
  }
}
