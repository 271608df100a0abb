// Attempt latencies over a sliding window, for a p95 (docs/alerts.md "p95_ms"): a ring of time
// buckets like error-rate-window.ts, each a fixed log-scale histogram, so the memory per watched
// channel or model is fixed (10 × 161 counters) whatever the traffic. A p95 is read as the upper
// edge of the histogram bin it falls in: at most one bin step (2^(1/8), about 9 %) above the truth.
import { windowBuckets } from './error-rate-window.ts';

/** Bins per doubling of the latency: each bin's upper edge is 2^(1/8) of the one before. */
const binsPerDoubling = 8;
/** Bins from 1 ms up to 2^20 ms (about 17 minutes); longer attempts go to the last bin. */
export const latencyBins = 20 * binsPerDoubling + 1;

interface LatencyBucket {
  span: number;
  counts: Uint32Array;
  total: number;
}

/** The bin of a latency: 0 for ≤ 1 ms, then one per 2^(1/8) step. */
function binOf(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.min(latencyBins - 1, Math.ceil(Math.log2(ms) * binsPerDoubling));
}

/** The largest latency a bin holds. */
function upperEdgeOf(bin: number): number {
  return Math.round(2 ** (bin / binsPerDoubling));
}

export interface LatencyTotals {
  requests: number;
  /** undefined when the window is empty. */
  p95Ms: number | undefined;
}

export class LatencyWindow {
  readonly #buckets: LatencyBucket[] = Array.from({ length: windowBuckets }, () => ({ span: -1, counts: new Uint32Array(latencyBins), total: 0 }));
  readonly #spanMs: number;

  constructor(windowMs: number) {
    this.#spanMs = Math.max(1, windowMs / windowBuckets);
  }

  record(nowMs: number, latencyMs: number): void {
    const span = Math.floor(nowMs / this.#spanMs);
    const bucket = this.#buckets[span % windowBuckets];
    if (bucket === undefined) return;
    if (bucket.span !== span) {
      bucket.span = span;
      bucket.counts.fill(0);
      bucket.total = 0;
    }
    const bin = binOf(latencyMs);
    bucket.counts[bin] = (bucket.counts[bin] ?? 0) + 1;
    bucket.total += 1;
  }

  /** The p95 of what the window holds (`quantile` for tests of other percentiles). */
  totals(nowMs: number, quantile = 0.95): LatencyTotals {
    const current = Math.floor(nowMs / this.#spanMs);
    const live = this.#buckets.filter((bucket) => bucket.span > current - windowBuckets && bucket.span <= current);
    const requests = live.reduce((sum, bucket) => sum + bucket.total, 0);
    if (requests === 0) return { requests, p95Ms: undefined };
    const rank = Math.ceil(requests * quantile);
    let seen = 0;
    for (let bin = 0; bin < latencyBins; bin += 1) {
      for (const bucket of live) seen += bucket.counts[bin] ?? 0;
      if (seen >= rank) return { requests, p95Ms: upperEdgeOf(bin) };
    }
    return { requests, p95Ms: upperEdgeOf(latencyBins - 1) };
  }
}
