// The dashboard's numbers: a time series of the window and its totals. From the API's series when
// /stats gives one; otherwise bucketed here from the request log's rows in the window (up to a cap,
// said on the page when reached).
import { listLogs } from '../api/admin.ts';
import type { LogRow, Percentiles, StatsBucket } from '../api/types.ts';

export const windows = [
  { id: '15m', ms: 15 * 60_000 },
  { id: '1h', ms: 3_600_000 },
  { id: '6h', ms: 6 * 3_600_000 },
  { id: '24h', ms: 86_400_000 },
  { id: '7d', ms: 7 * 86_400_000 },
] as const;

export type WindowId = (typeof windows)[number]['id'];

const bucketCount = 40;
/** Rows read from the log at most: four pages of the API's largest size. */
export const rowCap = 2000;

export interface Point {
  time: number;
  requestsPerSecond: number | null;
  errorRate: number | null;
  duration: Percentiles | null;
  firstToken: Percentiles | null;
}

export interface Totals {
  requests: number;
  errors: number;
  overhead: Percentiles | null;
  promptTokens: number;
  completionTokens: number;
  estimatedTokens: number;
  adaptations: [string, number][];
  duration: Percentiles | null;
  firstToken: Percentiles | null;
}

export interface DashboardData {
  points: Point[];
  totals: Totals;
  /** The log held more rows than were read: the figures cover the latest `rowCap`. */
  capped: boolean;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export function percentilesOf(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) };
}

function isError(row: LogRow): boolean {
  return row.status >= 400 || row.error_code !== null;
}

function present(values: readonly (number | null)[]): number[] {
  return values.filter((value): value is number => value !== null);
}

export function bucketRows(rows: readonly LogRow[], since: number, until: number): Point[] {
  const width = (until - since) / bucketCount;
  const buckets: LogRow[][] = Array.from({ length: bucketCount }, () => []);
  for (const row of rows) {
    const index = Math.floor((new Date(row.time).getTime() - since) / width);
    if (index >= 0 && index < bucketCount) buckets[index]?.push(row);
  }
  return buckets.map((bucket, index) => ({
    time: since + (index + 1) * width,
    requestsPerSecond: bucket.length / (width / 1000),
    errorRate: bucket.length === 0 ? null : bucket.filter(isError).length / bucket.length,
    duration: percentilesOf(bucket.map((row) => row.duration_ms)),
    firstToken: percentilesOf(present(bucket.map((row) => row.first_token_ms))),
  }));
}

export function seriesPoints(series: readonly StatsBucket[], bucketMs: number): Point[] {
  return series.map((bucket) => ({
    time: new Date(bucket.time).getTime() + bucketMs,
    requestsPerSecond: bucket.requests / (bucketMs / 1000),
    errorRate: bucket.requests === 0 ? null : bucket.errors / bucket.requests,
    duration: bucket.duration_ms,
    firstToken: bucket.first_token_ms,
  }));
}

export function totalsOf(rows: readonly LogRow[]): Totals {
  const adaptations = new Map<string, number>();
  for (const row of rows) for (const adaptation of row.adaptations) adaptations.set(adaptation, (adaptations.get(adaptation) ?? 0) + 1);
  return {
    requests: rows.length,
    errors: rows.filter(isError).length,
    overhead: percentilesOf(present(rows.map((row) => row.overhead_ms))),
    promptTokens: rows.reduce((sum, row) => sum + (row.prompt_tokens ?? 0), 0),
    completionTokens: rows.reduce((sum, row) => sum + (row.completion_tokens ?? 0), 0),
    estimatedTokens: rows.filter((row) => row.usage_source === 'estimated').reduce((sum, row) => sum + (row.prompt_tokens ?? 0) + (row.completion_tokens ?? 0), 0),
    adaptations: [...adaptations.entries()].sort((a, b) => b[1] - a[1]),
    duration: percentilesOf(rows.map((row) => row.duration_ms)),
    firstToken: percentilesOf(present(rows.map((row) => row.first_token_ms))),
  };
}

/** The log rows of the window, newest first, up to `rowCap`. */
export async function readWindowRows(since: number, until: number, signal: AbortSignal): Promise<{ rows: LogRow[]; capped: boolean }> {
  const rows: LogRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await listLogs({ since, until, limit: 500, cursor }, signal);
    rows.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && rows.length < rowCap);
  return { rows, capped: cursor !== undefined };
}
