// The load client's open loop (issue 13: first-byte latency at a fixed 100 streams/s): arrivals follow
// the schedule even when every answer takes longer than the gap between arrivals and the pool is small.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load-client.ts';
import { startMockUpstream, type RunningMock } from '../../bench/mock-upstream.ts';
import { streamsFrom } from './streams-from.ts';

let mock: RunningMock;

beforeAll(async () => {
  // Each stream: 3 chunks 100 ms apart, so about 200 ms long.
  mock = await startMockUpstream({ settings: { chunks: 3, delayMs: 100 } });
});

afterAll(async () => {
  await mock.close();
});

describe('the open-loop load client', () => {
  it('starts streams on schedule whatever the server speed, opening sockets beyond the pool when all are busy', async () => {
    const result = await runLoad({
      ...streamsFrom(mock),
      connections: 2,
      durationMs: 1_000,
      arrivalsPerSecond: 40,
      expectChunks: 3,
      pacedDelayMs: 100,
      hardTimeoutMs: 10_000,
    });
    // A closed loop on 2 sockets would finish about 10 streams in a second; the schedule asks for 40.
    expect(result.requests).toBeGreaterThanOrEqual(38);
    expect(result.requests).toBeLessThanOrEqual(41);
    expect(result.ok).toBe(result.requests);
    expect(result.peakOpen).toBeGreaterThan(2);
    expect(result.ttfbMs.count).toBe(result.ok);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(190);
    expect(result.maxLagMs).toBeLessThan(100);
  });
});
