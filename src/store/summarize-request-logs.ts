// Per channel and model over a window: requests, error rate, latency and time-to-first-token
// percentiles. Grouped in TypeScript so both databases share one code (SQLite has no percentiles).
import { computePercentiles } from './compute-percentiles.ts';
import type { ChannelModelStats, TimelineBucket } from './ports.ts';

/** The columns a stats window reads from each request row. */
export interface StatsSample {
  channel: string | null;
  upstream_model: string | null;
  client_model: string;
  status: number;
  error_code: string | null;
  duration_ms: number;
  first_token_ms: number | null;
}

interface Group {
  channel: string | undefined;
  model: string;
  requests: number;
  errors: number;
  durations: number[];
  firstTokens: number[];
}

/** Failed: an error status, or an error code on a 200 (a stream that broke after the commit point). */
export function isFailedRequest(sample: Pick<StatsSample, 'status' | 'error_code'>): boolean {
  return sample.status >= 400 || sample.error_code !== null;
}

export function summarizeRequestLogs(samples: readonly StatsSample[]): ChannelModelStats[] {
  const groups = new Map<string, Group>();
  for (const sample of samples) {
    const channel = sample.channel ?? undefined;
    const model = sample.upstream_model ?? sample.client_model;
    const groupKey = JSON.stringify([channel ?? null, model]);
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = { channel, model, requests: 0, errors: 0, durations: [], firstTokens: [] };
      groups.set(groupKey, group);
    }
    group.requests += 1;
    if (isFailedRequest(sample)) group.errors += 1;
    group.durations.push(sample.duration_ms);
    if (sample.first_token_ms !== null) group.firstTokens.push(sample.first_token_ms);
  }
  return [...groups.values()]
    .sort((left, right) => compareText(left.channel ?? '', right.channel ?? '') || compareText(left.model, right.model))
    .map((group) => ({
      channel: group.channel,
      model: group.model,
      requests: group.requests,
      errors: group.errors,
      errorRate: group.errors / group.requests,
      durationMs: computePercentiles(group.durations) ?? { p50: 0, p95: 0, p99: 0 },
      firstTokenMs: computePercentiles(group.firstTokens),
    }));
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The columns a time series reads from each request row. */
export interface TimelineSample {
  time: number;
  status: number;
  error_code: string | null;
  duration_ms: number;
  first_token_ms: number | null;
  overhead_ms: number | null;
}

/**
 * The window cut into `buckets` equal spans, oldest first, each with its requests, errors and
 * percentiles (a span without requests has zero counts and no percentiles).
 */
export function bucketRequestLogs(samples: readonly TimelineSample[], since: number, until: number, buckets: number): TimelineBucket[] {
  const width = Math.max(1, (until - since) / buckets);
  const spans = Array.from({ length: buckets }, () => ({ requests: 0, errors: 0, durations: [] as number[], firstTokens: [] as number[], overheads: [] as number[] }));
  for (const sample of samples) {
    const span = spans[Math.min(buckets - 1, Math.max(0, Math.floor((sample.time - since) / width)))];
    if (span === undefined) continue;
    span.requests += 1;
    if (isFailedRequest(sample)) span.errors += 1;
    span.durations.push(sample.duration_ms);
    if (sample.first_token_ms !== null) span.firstTokens.push(sample.first_token_ms);
    if (sample.overhead_ms !== null) span.overheads.push(sample.overhead_ms);
  }
  return spans.map((span, index) => ({
    start: since + index * width,
    requests: span.requests,
    errors: span.errors,
    durationMs: computePercentiles(span.durations),
    firstTokenMs: computePercentiles(span.firstTokens),
    overheadMs: computePercentiles(span.overheads),
  }));
}
