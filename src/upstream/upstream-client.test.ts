import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { UpstreamClient } from './upstream-client.ts';

/** An upstream that takes the request and never answers. */
let silent: Server;
let url: string;
const client = new UpstreamClient();

beforeAll(async () => {
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${String((silent.address() as AddressInfo).port)}/v1/chat/completions`;
});

afterAll(async () => {
  await client.close();
  silent.closeAllConnections();
  await new Promise<void>((resolve) => {
    silent.close(() => {
      resolve();
    });
  });
});

const timeouts = { connectMs: 1000, firstByteMs: 5000, firstChunkMs: 5000, idleMs: 5000, totalMs: 50 };
const limits = { bodyBytes: 1_000_000, streamBytes: 1_000_000 };

function send(signal: AbortSignal, deadlineHeld = false) {
  return client.send({ url, headers: { 'content-type': 'application/json' }, body: { model: 'm' } }, { channel: 'up', signal, timeouts, limits, stream: false, deadlineHeld });
}

describe('UpstreamClient call deadline', () => {
  it('ends a call past its total limit with its own timeout, leaving the caller signal alone', async () => {
    const caller = new AbortController();
    const error = await send(caller.signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).message).toBe('up took longer than its total limit of 50 ms (timeouts.total_ms)');
    expect(caller.signal.aborted).toBe(false);
  });

  it('keeps no deadline of its own when the caller holds it (an attempt watchdog): the caller abort ends the call', async () => {
    const caller = new AbortController();
    const started = performance.now();
    const stop = setTimeout(() => {
      caller.abort(new GatewayError('upstream_timeout', 'the watchdog said so'));
    }, 200);
    const error = await send(caller.signal, true).catch((caught: unknown) => caught);
    clearTimeout(stop);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect((error as GatewayError).message).not.toContain('total limit of 50 ms');
  });
});
