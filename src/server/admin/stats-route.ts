// GET /stats?window=1h: per channel and model over a recent window — requests, error rate, latency
// and time-to-first-token percentiles — aggregated by the database (store/summarize-request-logs.ts),
// over a window of at most `maxStatsWindowMs`.
import * as z from 'zod';
import type { Percentiles } from '../../store/index.ts';
import type { AdminApp, AdminContext } from './admin-context.ts';
import { describeSpend, spendSchema } from './describe-spend.ts';
import { jsonResponse, operation, type OpenApiPaths } from './openapi-parts.ts';
import { readQuery, showTime } from './read-input.ts';

const unitMs: ReadonlyMap<string, number> = new Map([['s', 1000], ['m', 60_000], ['h', 3_600_000], ['d', 86_400_000]]);

/** The longest window: the default log retention (log_retention_days); older rows are pruned anyway. */
export const maxStatsWindowMs = 30 * 86_400_000;

const windowText = z
  .string()
  .regex(/^\d{1,7}[smhd]$/, { error: 'expected a number and a unit: s, m, h or d (5m, 1h, 24h, 7d)' })
  .transform((text) => ({ text, ms: Number(text.slice(0, -1)) * (unitMs.get(text.slice(-1)) ?? 0) }))
  .refine((window) => window.ms > 0 && window.ms <= maxStatsWindowMs, { error: 'expected a window longer than 0 and at most 30d' });

const statsQuery = z.strictObject({ window: windowText.optional() });

const defaultWindow = { text: '1h', ms: 3_600_000 };

/** Points in the time series of any window: enough for a chart, few enough to read at a glance. */
const seriesBuckets = 60;

function roundPercentiles(percentiles: Percentiles | undefined) {
  if (percentiles === undefined) return null;
  return { p50: Math.round(percentiles.p50), p95: Math.round(percentiles.p95), p99: Math.round(percentiles.p99) };
}

export function registerStatsRoute(app: AdminApp, context: AdminContext): void {
  app.get('/stats', async (request) => {
    const query = readQuery(statsQuery, request);
    const window = query.window ?? defaultWindow;
    const until = Date.now();
    const since = until - window.ms;
    await context.services.logWriter.flush();
    const groups = await context.services.store.requestLogs.summarize({ since, until });
    const timeline = await context.services.store.requestLogs.timeline({ since, until }, seriesBuckets);
    const spend = await context.services.store.requestLogs.spend({ since, until });
    return {
      window: window.text,
      since: showTime(since),
      until: showTime(until),
      data: groups.map((group) => ({
        channel: group.channel ?? null,
        model: group.model,
        requests: group.requests,
        errors: group.errors,
        error_rate: group.errorRate,
        duration_ms: roundPercentiles(group.durationMs),
        first_token_ms: roundPercentiles(group.firstTokenMs),
      })),
      series: timeline.map((bucket) => ({
        time: showTime(bucket.start),
        requests: bucket.requests,
        errors: bucket.errors,
        duration_ms: roundPercentiles(bucket.durationMs),
        first_token_ms: roundPercentiles(bucket.firstTokenMs),
        overhead_ms: bucket.overheadMs === undefined ? null : { p50: bucket.overheadMs.p50, p95: bucket.overheadMs.p95, p99: bucket.overheadMs.p99 },
      })),
      spend: describeSpend(spend),
    };
  });
}

const percentilesSchema = { anyOf: [{ type: 'null' }, { type: 'object', properties: { p50: { type: 'number' }, p95: { type: 'number' }, p99: { type: 'number' } } }] };

export const statsPaths: OpenApiPaths = {
  '/stats': {
    get: operation({
      summary: 'Per channel and model over the window (default 1h, at most 30d): requests, errors, error rate, duration and time-to-first-token percentiles in ms (nearest rank), and spend in USD per key, channel and model, aggregated by the database.',
      query: statsQuery,
      responses: {
        '200': jsonResponse('One group per channel and model; `channel` is null for requests that reached none.', {
          type: 'object',
          properties: {
            window: { type: 'string' },
            since: { type: 'string', format: 'date-time' },
            until: { type: 'string', format: 'date-time' },
            spend: spendSchema,
            series: {
              type: 'array',
              description: `The window in ${String(60)} equal spans, oldest first; \`time\` is a span's start.`,
              items: {
                type: 'object',
                properties: { time: { type: 'string', format: 'date-time' }, requests: { type: 'integer' }, errors: { type: 'integer' }, duration_ms: percentilesSchema, first_token_ms: percentilesSchema, overhead_ms: percentilesSchema },
              },
            },
            data: {
              type: 'array',
              items: {
                type: 'object',
                properties: { channel: { type: ['string', 'null'] }, model: { type: 'string' }, requests: { type: 'integer' }, errors: { type: 'integer' }, error_rate: { type: 'number' }, duration_ms: percentilesSchema, first_token_ms: percentilesSchema },
              },
            },
          },
        }),
      },
      errors: { '400': 'The window is not valid or longer than 30d.' },
    }),
  },
};
