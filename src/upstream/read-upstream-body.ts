// An upstream's body as the rest of Sluice reads it: decoded when the upstream compressed it,
// counted against its cap in decoded bytes (so a zip bomb stops there too), and cut the moment it
// goes over: nothing past the cap is read, the socket and the decoders are destroyed, and the try
// fails with an error that names the setting. Every failure leaves here typed.
import { pipeline, type Readable, type Transform } from 'node:stream';
import { GatewayError } from '../core/errors.ts';
import type { CallbackReader } from '../core/upstream.ts';
import { describeSendFailure, type FailureScope } from './describe-send-failure.ts';

export interface BodyScope extends FailureScope {
  status: number;
  /** What the body is, for the messages: `a JSON answer`, `an error body`, `a stream`. */
  what: string;
  /** Decoded bytes read at most, and the config setting that says so. */
  capBytes: number;
  capSetting: string;
  /** Runs once the body is over, however it ended. */
  onEnd: () => void;
}

function describeBytes(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  return mebibytes >= 1 ? `${bytes} bytes (${Number.isInteger(mebibytes) ? mebibytes : mebibytes.toFixed(1)} MiB)` : `${bytes} bytes`;
}

export function bodyTooLarge(scope: BodyScope): GatewayError {
  return new GatewayError('upstream_body_too_large', `${scope.channel} sent ${scope.what} larger than the limit of ${describeBytes(scope.capBytes)} (${scope.capSetting}); Sluice stopped reading it`, {
    upstream: { channel: scope.channel, status: scope.status },
  });
}

/** What stream.finished() reports for a stream closed before its end (Node's ERR_STREAM_PREMATURE_CLOSE). */
export function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * The body, read one buffered read at a time: `next()` takes what the stream holds and waits for
 * 'readable' only when it holds nothing. An async generator around the stream's own async iterator
 * (two generator layers, three promises per read) cost ~10 µs per 20-chunk stream per layer
 * (issue 13, docs/benchmarks.md).
 */
class UpstreamBody implements AsyncIterableIterator<Uint8Array> {
  readonly #source: Readable;
  readonly #decoders: readonly Transform[];
  readonly #scope: BodyScope;
  readonly #output: Readable;
  /** Undefined while the body runs; null once it ended cleanly; else what ended it. */
  #ending: Error | null | undefined = undefined;
  /** A waiting read: true once it is answered. */
  #wake: (() => boolean) | undefined;
  /** A waiting `readInto`'s callbacks (the reader's own, bound once: nothing is made per read). */
  #onChunk: ((chunk: Uint8Array | null) => void) | undefined;
  #onError: ((error: unknown) => void) | undefined;
  #received = 0;
  #over = false;
  // A decoder that fails on its own says the bytes were not what content-encoding claimed; one
  // destroyed with the socket's error says the connection broke.
  #sourceFailure: unknown;
  #decodeFailure: unknown;

  constructor(source: Readable, decoders: readonly Transform[], scope: BodyScope) {
    this.#source = source;
    this.#decoders = decoders;
    this.#scope = scope;
    source.on('error', (error) => {
      this.#sourceFailure ??= error;
    });
    for (const decoder of decoders) {
      decoder.on('error', (error) => {
        if (error !== this.#sourceFailure) this.#decodeFailure ??= error;
      });
    }
    this.#output = decoders.length === 0 ? source : (pipeline([source, ...decoders], () => undefined) as unknown as Readable);
    this.#output.on('readable', this.#wakeUp);
    // The end, an error, or a close before either, as stream.finished() reports them, with three
    // listeners: finished() kept four contexts and seven closures more per held stream
    // (docs/benchmarks.md, "Held stream, round five").
    this.#output.on('end', this.#ended);
    this.#output.on('error', this.#errored);
    this.#output.on('close', this.#closed);
    if (this.#output.destroyed || this.#output.readableEnded) process.nextTick(this.#closed);
  }

  readonly #ended = (): void => {
    this.#end(null);
  };

  readonly #errored = (error: Error): void => {
    this.#end(error);
  };

  readonly #closed = (): void => {
    this.#end(this.#output.errored ?? (this.#output.readableEnded ? null : prematureClose()));
  };

  /** The first of the end, an error or a close: later ones change nothing. */
  #end(ending: Error | null): void {
    if (this.#ending !== undefined) return;
    this.#ending = ending;
    this.#wakeUp();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Not an async function: a held stream's pending read keeps a promise and its resolvers, no suspended frame. */
  next(): Promise<IteratorResult<Uint8Array>> {
    try {
      const read = this.#poll();
      if (read !== undefined) return Promise.resolve(read === null ? { done: true, value: undefined } : { done: false, value: read });
    } catch (error) {
      return Promise.reject(this.#fail(error));
    }
    return new Promise((resolve, reject) => {
      // Named first, then stored: V8 allocates a function literal assigned straight to a property in
      // the old generation, where it would keep the read's resolvers (and what awaits them) through
      // young-generation GCs (docs/benchmarks.md "Promoted upstream calls, round five").
      const wake = (): boolean => {
        try {
          const read = this.#poll();
          if (read === undefined) return false;
          resolve(read === null ? { done: true, value: undefined } : { done: false, value: read });
        } catch (error) {
          reject(this.#fail(error));
        }
        return true;
      };
      this.#wake = wake;
    });
  }

  /**
   * One read without a promise (a committed stream's reads, docs/benchmarks.md "Stream reads without
   * promises, round six"): `onChunk` gets the next chunk, or null at the end; `onError` what ended
   * the body. Either is called once: at once when the stream already holds a chunk or its end, else
   * on 'readable', the end or an error. The caller loops on a synchronous answer (no recursion here).
   */
  readInto(onChunk: (chunk: Uint8Array | null) => void, onError: (error: unknown) => void): void {
    let read;
    try {
      read = this.#poll();
    } catch (error) {
      onError(this.#fail(error));
      return;
    }
    if (read !== undefined) {
      onChunk(read);
      return;
    }
    this.#onChunk = onChunk;
    this.#onError = onError;
    this.#wake = this.#wakeReader;
  }

  /** A waiting `readInto`, once 'readable', the end or an error came: true once it is answered. */
  readonly #wakeReader = (): boolean => {
    let read;
    try {
      read = this.#poll();
    } catch (error) {
      const onError = this.#onError;
      this.#onChunk = this.#onError = undefined;
      onError?.(this.#fail(error));
      return true;
    }
    if (read === undefined) return false;
    const onChunk = this.#onChunk;
    this.#onChunk = this.#onError = undefined;
    onChunk?.(read);
    return true;
  };

  /** What the stream holds now: a chunk, null at the end, or undefined to wait for 'readable'; throws what ended it. */
  #poll(): Uint8Array | null | undefined {
    if (this.#over) return null;
    const chunk = this.#output.destroyed ? null : (this.#output.read() as Uint8Array | null);
    if (chunk !== null) {
      this.#received += chunk.byteLength;
      if (this.#received > this.#scope.capBytes) throw bodyTooLarge(this.#scope);
      return chunk;
    }
    if (this.#ending === null) {
      this.#finish();
      return null;
    }
    if (this.#ending !== undefined) throw this.#ending;
    return undefined;
  }

  #fail(error: unknown): GatewayError {
    this.#finish();
    return this.#describe(error);
  }

  /** The reader stops early: the socket and the decoders are destroyed. */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.#finish();
    return Promise.resolve({ done: true, value: undefined });
  }

  /** A waiting read tries again; it keeps waiting when the stream still holds nothing. */
  readonly #wakeUp = (): void => {
    const wake = this.#wake;
    this.#wake = undefined;
    if (wake !== undefined && !wake()) this.#wake = wake;
  };

  #describe(error: unknown): GatewayError {
    if (this.#decodeFailure !== undefined && error === this.#decodeFailure) {
      const detail = error instanceof Error ? error.message : String(error);
      return new GatewayError('upstream_bad_response', `${this.#scope.channel} sent ${this.#scope.what} that its content-encoding could not decode: ${detail}`, {
        upstream: { channel: this.#scope.channel, status: this.#scope.status },
        cause: error,
      });
    }
    return describeSendFailure(error, this.#scope);
  }

  #finish(): void {
    if (this.#over) return;
    this.#over = true;
    this.#output.off('readable', this.#wakeUp);
    this.#output.off('end', this.#ended);
    this.#output.off('error', this.#errored);
    this.#output.off('close', this.#closed);
    this.#source.destroy();
    for (const decoder of this.#decoders) decoder.destroy();
    this.#scope.onEnd();
  }
}

/** Decoded, capped and typed: see the top of this file. */
export function readUpstreamBody(source: Readable, decoders: readonly Transform[], scope: BodyScope): AsyncIterableIterator<Uint8Array> & CallbackReader {
  return new UpstreamBody(source, decoders, scope);
}
