// An upstream's body as the rest of Sluice reads it: decoded when the upstream compressed it,
// counted against its cap in decoded bytes (so a zip bomb stops there too), and cut the moment it
// goes over: nothing past the cap is read, the socket and the decoders are destroyed, and the try
// fails with an error that names the setting. Every failure leaves here typed.
import { pipeline, type Readable, type Transform } from 'node:stream';
import { GatewayError } from '../core/errors.ts';
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

export async function* readUpstreamBody(source: Readable, decoders: readonly Transform[], scope: BodyScope): AsyncGenerator<Uint8Array> {
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
  let received = 0;
  try {
    for await (const chunk of output as AsyncIterable<Uint8Array>) {
      received += chunk.byteLength;
      if (received > scope.capBytes) throw bodyTooLarge(scope);
      yield chunk;
    }
  } catch (error) {
    if (decodeFailure !== undefined && error === decodeFailure) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new GatewayError('upstream_bad_response', `${scope.channel} sent ${scope.what} that its content-encoding could not decode: ${detail}`, {
        upstream: { channel: scope.channel, status: scope.status },
        cause: error,
      });
    }
    throw describeSendFailure(error, scope);
  } finally {
    source.destroy();
    for (const decoder of decoders) decoder.destroy();
    scope.onEnd();
  }
}
