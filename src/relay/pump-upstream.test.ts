import { describe, expect, it } from 'vitest';
import { createStreamDecoder } from '../codec/sse/index.ts';
import { GatewayError } from '../core/errors.ts';
import { UpstreamPump, type StreamTarget } from './pump-upstream.ts';

/** A target that only decodes, with a small cap on one event. */
function decodingTarget(maxEventChars: number): StreamTarget {
  const decoder = createStreamDecoder({ maxEventChars, onData: () => undefined });
  return {
    push: (bytes) => {
      decoder.push(bytes);
    },
    end: () => {
      decoder.end();
    },
    chunks: 0,
    get finished() {
      return decoder.isFinished();
    },
  };
}

describe('UpstreamPump', () => {
  it('fails the stream with upstream_body_too_large when one event outgrows the decoder\'s cap, and releases the body', async () => {
    let released = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (let index = 0; index < 100; index += 1) {
          await Promise.resolve();
          yield new TextEncoder().encode(index === 0 ? 'data: ' : 'x'.repeat(64));
        }
      } finally {
        released = true;
      }
    }
    const pump = new UpstreamPump(body(), decodingTarget(1000), () => undefined, 'qwen-stream');
    let failure: unknown;
    while (!pump.over && failure === undefined) await pump.step().catch((error: unknown) => (failure = error));
    expect(failure).toBeInstanceOf(GatewayError);
    // Named like the other body limits' errors (bodyTooLarge): the channel in the message and in `upstream`.
    expect(failure).toMatchObject({ code: 'upstream_body_too_large', status: 502, upstream: { channel: 'qwen-stream', status: 200 } });
    expect((failure as Error).message).toBe('qwen-stream sent one stream event longer than 1,000 characters without ending it; Sluice stopped reading the stream');
    expect(released).toBe(true);
  });
});
