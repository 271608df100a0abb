import { describe, expect, it } from 'vitest';
import { bucketRequestLogs } from './summarize-request-logs.ts';

const sample = (time: number, status = 200, duration = 10) => ({ time, status, error_code: null, duration_ms: duration, first_token_ms: null, overhead_ms: 0.5 });

describe('bucketRequestLogs', () => {
  it('cuts the window into equal spans, oldest first, with counts and percentiles', () => {
    const buckets = bucketRequestLogs([sample(0), sample(5, 502, 30), sample(15), sample(39)], 0, 40, 4);
    expect(buckets.map((bucket) => [bucket.start, bucket.requests, bucket.errors])).toEqual([
      [0, 2, 1],
      [10, 1, 0],
      [20, 0, 0],
      [30, 1, 0],
    ]);
    expect(buckets[0]?.durationMs).toMatchObject({ p50: 10, p99: 30 });
    expect(buckets[2]?.durationMs).toBeUndefined();
    expect(buckets[3]?.overheadMs?.p50).toBe(0.5);
  });
});
