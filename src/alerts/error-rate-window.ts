// Requests and upstream-caused failures over a sliding window, kept as a ring of time buckets (like
// routing/circuit-breaker.ts), so the memory per channel is fixed whatever the traffic.

/** Buckets a window is cut into: a request leaves the window at most `windowMs / windowBuckets` late. */
export const windowBuckets = 10;

interface Bucket {
  /** Which span of time (`floor(now / spanMs)`) the counts are for. */
  span: number;
  requests: number;
  failures: number;
}

export interface WindowTotals {
  requests: number;
  failures: number;
}

export class ErrorRateWindow {
  readonly #buckets: Bucket[] = Array.from({ length: windowBuckets }, () => ({ span: -1, requests: 0, failures: 0 }));
  readonly #spanMs: number;

  constructor(windowMs: number) {
    this.#spanMs = Math.max(1, windowMs / windowBuckets);
  }

  count(nowMs: number, failed: boolean): void {
    const span = Math.floor(nowMs / this.#spanMs);
    const bucket = this.#buckets[span % windowBuckets];
    if (bucket === undefined) return;
    if (bucket.span !== span) Object.assign(bucket, { span, requests: 0, failures: 0 });
    bucket.requests += 1;
    if (failed) bucket.failures += 1;
  }

  totals(nowMs: number): WindowTotals {
    const current = Math.floor(nowMs / this.#spanMs);
    let requests = 0;
    let failures = 0;
    for (const bucket of this.#buckets) {
      if (bucket.span <= current - windowBuckets || bucket.span > current) continue;
      requests += bucket.requests;
      failures += bucket.failures;
    }
    return { requests, failures };
  }
}
