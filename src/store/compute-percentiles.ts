// Latency percentiles computed in TypeScript: one code for SQLite (which has no percentile
// function) and PostgreSQL, over the rows of a stats window.
import type { Percentiles } from './ports.ts';

/** Nearest-rank percentile of ascending-sorted values: the smallest value ≥ p % of them. */
function pickNearestRank(sorted: readonly number[], percent: number): number {
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/** p50/p95/p99 of the samples; undefined when there are none. */
export function computePercentiles(samples: readonly number[]): Percentiles | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((left, right) => left - right);
  return { p50: pickNearestRank(sorted, 50), p95: pickNearestRank(sorted, 95), p99: pickNearestRank(sorted, 99) };
}
