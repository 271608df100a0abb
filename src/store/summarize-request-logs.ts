// Per channel and model over a window, and per span of a window's time series: requests, errors
// and latency percentiles, aggregated by the database (issue 12), so what Sluice holds in memory is
// a few rows per group whatever the traffic. One SQL for SQLite and PostgreSQL: counts by GROUP BY,
// percentiles by nearest rank from ROW_NUMBER()/COUNT(*) window functions (SQLite ≥ 3.25; SQLite
// has no percentile function, and PostgreSQL's percentile_disc gives the same nearest rank), so only
// the rows at the 50th, 95th and 99th rank of each group leave the database.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ChannelModelStats, Percentiles, TimelineBucket } from './ports.ts';
import type { Database } from './schema.ts';

/** The percentiles every stat reports, in percent. */
const reportedPercents = [50, 95, 99] as const;

/** Failed: an error status, or an error code on a 200 (a stream that broke after the commit point). */
const isFailed = sql<number>`CASE WHEN status >= 400 OR error_code IS NOT NULL THEN 1 ELSE 0 END`;

/** The 1-based nearest rank of `percent` among `count` values: ceil(percent × count / 100). */
function nearestRank(percent: number, count: number): number {
  return Math.max(1, Math.floor((percent * count + 99) / 100));
}

interface Window {
  since: number;
  until: number;
}

interface GroupCount {
  requests: number | string;
  errors: number | string;
}

interface RankedValue {
  value: number;
  value_rank: number | string;
  group_size: number | string;
}

/** A grouping of the window's rows: the SQL columns it selects and how a row names its group. */
interface Grouping<Row> {
  /** Selected as the group's columns, and used in GROUP BY and PARTITION BY. */
  columns: RawBuilder<unknown>;
  partition: RawBuilder<unknown>;
  keyOf(row: Row): string;
}

async function countGroups<Row>(db: Kysely<Database>, window: Window, grouping: Grouping<Row>): Promise<Array<Row & GroupCount>> {
  const result = await sql<Row & GroupCount>`
    SELECT ${grouping.columns}, COUNT(*) AS requests, SUM(${isFailed}) AS errors
    FROM request_logs WHERE time >= ${window.since} AND time < ${window.until}
    GROUP BY ${grouping.partition}`.execute(db);
  return result.rows;
}

/** p50/p95/p99 of `column` per group, from the three ranked rows of each group. */
async function rankPercentiles<Row>(db: Kysely<Database>, window: Window, grouping: Grouping<Row>, column: 'duration_ms' | 'first_token_ms' | 'overhead_ms'): Promise<Map<string, Percentiles>> {
  const value = sql.ref(column);
  const ranks = reportedPercents.map((percent) => sql`value_rank = (${sql.lit(percent)} * group_size + 99) / 100`);
  const result = await sql<Row & RankedValue>`
    SELECT * FROM (
      SELECT ${grouping.columns}, ${value} AS value,
        ROW_NUMBER() OVER (PARTITION BY ${grouping.partition} ORDER BY ${value}) AS value_rank,
        COUNT(*) OVER (PARTITION BY ${grouping.partition}) AS group_size
      FROM request_logs
      WHERE time >= ${window.since} AND time < ${window.until} AND ${value} IS NOT NULL
    ) ranked
    WHERE ${sql.join(ranks, sql` OR `)}`.execute(db);
  const percentiles = new Map<string, Percentiles>();
  for (const row of result.rows) {
    const key = grouping.keyOf(row);
    const entry = percentiles.get(key) ?? { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN };
    const rank = Number(row.value_rank);
    const count = Number(row.group_size);
    if (rank === nearestRank(50, count)) entry.p50 = row.value;
    if (rank === nearestRank(95, count)) entry.p95 = row.value;
    if (rank === nearestRank(99, count)) entry.p99 = row.value;
    percentiles.set(key, entry);
  }
  return percentiles;
}

interface ChannelModelRow {
  channel: string | null;
  model: string;
}

const byChannelAndModel: Grouping<ChannelModelRow> = {
  columns: sql`channel, COALESCE(upstream_model, client_model) AS model`,
  partition: sql`channel, COALESCE(upstream_model, client_model)`,
  keyOf: (row) => JSON.stringify([row.channel, row.model]),
};

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

export async function summarizeRequestLogs(db: Kysely<Database>, window: Window): Promise<ChannelModelStats[]> {
  const [groups, durations, firstTokens] = await Promise.all([
    countGroups(db, window, byChannelAndModel),
    rankPercentiles(db, window, byChannelAndModel, 'duration_ms'),
    rankPercentiles(db, window, byChannelAndModel, 'first_token_ms'),
  ]);
  return groups
    .sort((left, right) => compareText(left.channel ?? '', right.channel ?? '') || compareText(left.model, right.model))
    .map((group) => {
      const key = byChannelAndModel.keyOf(group);
      const requests = Number(group.requests);
      const errors = Number(group.errors);
      return {
        channel: group.channel ?? undefined,
        model: group.model,
        requests,
        errors,
        errorRate: errors / requests,
        durationMs: durations.get(key) ?? { p50: 0, p95: 0, p99: 0 },
        firstTokenMs: firstTokens.get(key),
      };
    });
}

interface SpanRow {
  span: number | string;
}

/**
 * The window cut into `buckets` equal spans, oldest first, each with its requests, errors and
 * percentiles (a span without requests has zero counts and no percentiles).
 */
export async function bucketRequestLogs(db: Kysely<Database>, window: Window, buckets: number): Promise<TimelineBucket[]> {
  const since = Math.trunc(window.since);
  const length = Math.max(1, Math.trunc(window.until) - since);
  // Integer arithmetic on both databases: (time − since) × buckets / length, the last span closed.
  // Literals, not parameters: PostgreSQL must see the same expression in SELECT and GROUP BY.
  const offset = sql`(time - ${sql.lit(since)}) * ${sql.lit(buckets)} / ${sql.lit(length)}`;
  const span = sql`CASE WHEN ${offset} >= ${sql.lit(buckets)} THEN ${sql.lit(buckets - 1)} ELSE ${offset} END`;
  const bySpan: Grouping<SpanRow> = { columns: sql`${span} AS span`, partition: span, keyOf: (row) => String(Number(row.span)) };
  const [counts, durations, firstTokens, overheads] = await Promise.all([
    countGroups(db, window, bySpan),
    rankPercentiles(db, window, bySpan, 'duration_ms'),
    rankPercentiles(db, window, bySpan, 'first_token_ms'),
    rankPercentiles(db, window, bySpan, 'overhead_ms'),
  ]);
  const countsBySpan = new Map(counts.map((row) => [bySpan.keyOf(row), row]));
  const width = length / buckets;
  return Array.from({ length: buckets }, (_, index) => {
    const key = String(index);
    const count = countsBySpan.get(key);
    return {
      start: since + index * width,
      requests: Number(count?.requests ?? 0),
      errors: Number(count?.errors ?? 0),
      durationMs: durations.get(key),
      firstTokenMs: firstTokens.get(key),
      overheadMs: overheads.get(key),
    };
  });
}
