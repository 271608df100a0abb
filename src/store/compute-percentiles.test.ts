import { describe, expect, it } from 'vitest';
import { computePercentiles } from './compute-percentiles.ts';

describe('computePercentiles', () => {
  it('takes the nearest rank: the smallest value at or above p % of the samples', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(computePercentiles(samples)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(computePercentiles([3, 1, 2])).toEqual({ p50: 2, p95: 3, p99: 3 });
  });

  it('gives the one sample for every percentile, and nothing for no samples', () => {
    expect(computePercentiles([42])).toEqual({ p50: 42, p95: 42, p99: 42 });
    expect(computePercentiles([])).toBeUndefined();
  });
});
