// The load client's slow mode (the held-streams scenario, bench/lib/slow-streams.ts): streams are opened
// so that at most `maxConnecting` wait for their first byte at once, counting a socket from the moment it
// is opened, not only once it connected and sent its request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load-client.ts';
import { startMockUpstream, type RunningMock } from '../../bench/mock-upstream.ts';
import { streamsFrom } from './streams-from.ts';

let mock: RunningMock;
const streams = 300;

beforeAll(async () => {
  // Each stream sends its first chunk at once, then waits until all are held, then two more.
  mock = await startMockUpstream({ settings: { chunks: 3, delayMs: 20, holdUntil: streams, holdTimeoutMs: 10_000, holdAfterFullMs: 100 } });
});

afterAll(async () => {
  await mock.close();
});

describe('the load client in slow mode', () => {
  it('keeps at most maxConnecting sockets waiting for a first byte, then holds them all open together', async () => {
    const result = await runLoad({
      ...streamsFrom(mock),
      connections: streams,
      requests: streams,
      perConnection: 1,
      maxConnecting: 20,
      expectChunks: 3,
      hardTimeoutMs: 20_000,
    });
    expect(result.ok).toBe(streams);
    expect(result.peakOpen).toBe(streams);
    // Before: the first first byte opened every remaining socket in one loop (peak ~ all 300).
    expect(result.peakWaiting).toBeGreaterThan(1);
    expect(result.peakWaiting).toBeLessThanOrEqual(20);
  });
});
