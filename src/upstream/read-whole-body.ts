// An upstream's whole body in one piece (a JSON answer, an error body), read with stream events
// instead of an async iterator: the same decoding, cap, cut and typed failures as readUpstreamBody,
// without an async generator and a promise per chunk (~14 µs less per non-stream request,
// docs/benchmarks.md "Non-stream path"). A stream is still read chunk by chunk (read-upstream-body.ts).
import { pipeline, type Readable, type Transform } from 'node:stream';
import { GatewayError } from '../core/errors.ts';
import { describeSendFailure } from './describe-send-failure.ts';
import type { CallbackReader } from '../core/upstream.ts';
import { bodyTooLarge, prematureClose, readUpstreamBody, type BodyScope } from './read-upstream-body.ts';

function describeFailure(error: unknown, decodeFailure: unknown, scope: BodyScope): GatewayError {
  if (decodeFailure !== undefined && error === decodeFailure) {
    const detail = error instanceof Error ? error.message : String(error);
    return new GatewayError('upstream_bad_response', `${scope.channel} sent ${scope.what} that its content-encoding could not decode: ${detail}`, {
      upstream: { channel: scope.channel, status: scope.status },
      cause: error,
    });
  }
  return describeSendFailure(error, scope);
}

export function readWholeUpstreamBody(source: Readable, decoders: readonly Transform[], scope: BodyScope): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let sourceFailure: unknown;
    let decodeFailure: unknown;
    source.on('error', (error) => {
      sourceFailure ??= error;
    });
    for (const decoder of decoders) {
      decoder.on('error', (error) => {
        if (error !== sourceFailure) decodeFailure ??= error;
      });
    }
    const output: Readable = decoders.length === 0 ? source : (pipeline([source, ...decoders], () => undefined) as unknown as Readable);
    const chunks: Buffer[] = [];
    let received = 0;
    let over = false;
    const finish = (failure: GatewayError | undefined): void => {
      if (over) return;
      over = true;
      source.destroy();
      for (const decoder of decoders) decoder.destroy();
      scope.onEnd();
      if (failure === undefined) resolve(Buffer.concat(chunks, received));
      else reject(failure);
    };
    output.on('data', (chunk: Buffer) => {
      if (over) return;
      received += chunk.byteLength;
      if (received > scope.capBytes) {
        finish(bodyTooLarge(scope));
        return;
      }
      chunks.push(chunk);
    });
    // The end, an error, or a close before either, as stream.finished() reports them, but with three
    // listeners: finished() makes an AsyncResource per call, and each one kept everything it reached
    // alive through V8's young-generation collections (docs/benchmarks.md, "Non-stream allocations, round four").
    output.on('end', () => {
      finish(undefined);
    });
    output.on('error', (error) => {
      finish(describeFailure(error, decodeFailure, scope));
    });
    output.on('close', () => {
      const failure = output.errored ?? (output.readableEnded ? undefined : prematureClose());
      finish(failure === undefined ? undefined : describeFailure(failure, decodeFailure, scope));
    });
  });
}

/**
 * An upstream body: iterated chunk by chunk (a stream), or read at once with `readAll` (lib/
 * describe-body-text.ts's readBodyBytes takes that path). Either one, once.
 */
export class UpstreamBody implements AsyncIterable<Uint8Array> {
  readonly #source: Readable;
  readonly #decoders: readonly Transform[];
  readonly #scope: BodyScope;

  constructor(source: Readable, decoders: readonly Transform[], scope: BodyScope) {
    this.#source = source;
    this.#decoders = decoders;
    this.#scope = scope;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> & CallbackReader {
    return readUpstreamBody(this.#source, this.#decoders, this.#scope);
  }

  readAll(): Promise<Uint8Array> {
    return readWholeUpstreamBody(this.#source, this.#decoders, this.#scope);
  }
}
