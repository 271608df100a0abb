// Per channel and model over a window: requests, error rate, latency and time-to-first-token
// percentiles. Grouped in TypeScript so both databases share one code (SQLite has no percentiles).
import { computePercentiles } from './compute-percentiles.ts';
import type { ChannelModelStats } from './ports.ts';

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
