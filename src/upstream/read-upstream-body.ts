// An upstream's body as the rest of Sluice reads it: decoded when the upstream compressed it,
// counted against its cap in decoded bytes (so a zip bomb stops there too), and cut the moment it
// goes over: nothing past the cap is read, the socket and the decoders are destroyed, and the try
// fails with an error that names the setting. Every failure leaves here typed.
import { pipeline, type Readable, type Transform } from 'node:stream';
import { GatewayError } from '../core/errors.ts';
import type { BodyFlow, BodyFlowHandlers, UpstreamBody } from '../core/upstream.ts';
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

interface DecodedBody {
  output: Readable;
  /** The error a failure of `output` is, typed. */
  describe(error: unknown): GatewayError;
  release(): void;
}

function openDecodedBody(source: Readable, decoders: readonly Transform[], scope: BodyScope): DecodedBody {
  // A decoder that fails on its own says the bytes were not what content-encoding claimed; one
  // destroyed with the socket's error says the connection broke.
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
  return {
    output,
    describe(error) {
      if (decodeFailure !== undefined && error === decodeFailure) {
        const detail = error instanceof Error ? error.message : String(error);
        return new GatewayError('upstream_bad_response', `${scope.channel} sent ${scope.what} that its content-encoding could not decode: ${detail}`, {
          upstream: { channel: scope.channel, status: scope.status },
          cause: error,
        });
      }
      return describeSendFailure(error, scope);
    },
    release() {
      source.destroy();
      for (const decoder of decoders) decoder.destroy();
      scope.onEnd();
    },
  };
}

export async function* readUpstreamBody(source: Readable, decoders: readonly Transform[], scope: BodyScope): AsyncGenerator<Uint8Array> {
  const body = openDecodedBody(source, decoders, scope);
  let received = 0;
  try {
    for await (const chunk of body.output as AsyncIterable<Uint8Array>) {
      received += chunk.byteLength;
      if (received > scope.capBytes) throw bodyTooLarge(scope);
      yield chunk;
    }
  } catch (error) {
    throw body.describe(error);
  } finally {
    body.release();
  }
}

/** The same reading, pushed: 'data' events straight to the handlers, the cap and the error typing kept. */
function flowUpstreamBody(source: Readable, decoders: readonly Transform[], scope: BodyScope, handlers: BodyFlowHandlers): BodyFlow {
  const body = openDecodedBody(source, decoders, scope);
  const { output } = body;
  let received = 0;
  let over = false;
  const stop = (): void => {
    over = true;
    output.off('data', onData);
    output.off('end', onEnd);
    output.off('error', onError);
    output.off('close', onClose);
    // Errors while tearing down are expected, not failures.
    output.on('error', () => undefined);
    body.release();
  };
  function onData(chunk: Uint8Array): void {
    if (over) return;
    received += chunk.byteLength;
    if (received > scope.capBytes) {
      stop();
      handlers.error(bodyTooLarge(scope));
      return;
    }
    handlers.data(chunk);
  }
  function onEnd(): void {
    if (over) return;
    stop();
    handlers.end();
  }
  function onError(error: unknown): void {
    if (over) return;
    stop();
    handlers.error(body.describe(error));
  }
  // Closed without 'end' or 'error' (destroyed): what iteration reports as a premature close.
  function onClose(): void {
    if (over) return;
    stop();
    handlers.error(body.describe(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })));
  }
  output.on('data', onData);
  output.on('end', onEnd);
  output.on('error', onError);
  output.on('close', onClose);
  return {
    pause: () => {
      if (!over) output.pause();
    },
    resume: () => {
      if (!over) output.resume();
    },
    cancel: () => {
      if (!over) stop();
    },
  };
}

/** The body as the rest of Sluice reads it: iterated, or pushed read by read (`flow`). */
export function openUpstreamBody(source: Readable, decoders: readonly Transform[], scope: BodyScope): UpstreamBody {
  return {
    [Symbol.asyncIterator]: () => readUpstreamBody(source, decoders, scope),
    flow: (handlers) => flowUpstreamBody(source, decoders, scope, handlers),
  };
}
