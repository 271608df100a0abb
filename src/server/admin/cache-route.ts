// GET /cache: the exact response cache's settings and this instance's hit ratio since it started
// (docs/caching.md "Console"), from the same counts as `sluice_cache_requests_total`. The ratio
// counts lookups: hits over hits, misses and lookups the shared store did not answer; bypasses
// (`Cache-Control: no-store`/`no-cache`) are not lookups.
import { ResponseCache } from '../../relay/response-cache.ts';
import type { AdminApp, AdminContext } from './admin-context.ts';
import { jsonResponse, operation, type OpenApiPaths } from './openapi-parts.ts';

const results = ['hit', 'miss', 'bypass', 'unavailable'] as const;

export function registerCacheRoute(app: AdminApp, context: AdminContext): void {
  app.get('/cache', async () => {
    const report = context.cache;
    const answers = report?.answers;
    const counts = report === undefined ? {} : await report.counts();
    const requests = Object.fromEntries(results.map((result) => [result, counts[result] ?? 0])) as Record<(typeof results)[number], number>;
    const lookups = requests.hit + requests.miss + requests.unavailable;
    return {
      enabled: answers !== undefined,
      backend: answers?.backend ?? null,
      ttl_s: answers === undefined ? null : answers.policy.ttlMs / 1000,
      models: answers?.policy.models ?? null,
      max_entry_bytes: answers?.policy.maxEntryBytes ?? null,
      charge_hits: answers?.policy.chargeHits ?? null,
      entries: answers instanceof ResponseCache ? answers.size : null,
      bytes: answers instanceof ResponseCache ? answers.bytes : null,
      since: new Date(report?.since ?? Date.now()).toISOString(),
      requests,
      hit_ratio: lookups === 0 ? null : requests.hit / lookups,
    };
  });
}

const nullableNumber = { type: ['number', 'null'] };

export const cachePaths: OpenApiPaths = {
  '/cache': {
    get: operation({
      summary: 'The response cache: its settings, and this instance\'s requests by cache result and hit ratio since it started (docs/caching.md).',
      responses: {
        '200': jsonResponse('The cache and its counts.', {
          type: 'object',
          properties: {
            enabled: { type: 'boolean' },
            backend: { enum: ['memory', 'redis', null] },
            ttl_s: nullableNumber,
            models: { type: ['array', 'null'], items: { type: 'string' } },
            max_entry_bytes: nullableNumber,
            charge_hits: { type: ['boolean', 'null'] },
            entries: { ...nullableNumber, description: 'Answers held (memory only; null for Redis).' },
            bytes: { ...nullableNumber, description: 'Bytes held (memory only; null for Redis).' },
            since: { type: 'string', format: 'date-time' },
            requests: { type: 'object', properties: Object.fromEntries(results.map((result) => [result, { type: 'integer' }])) },
            hit_ratio: { ...nullableNumber, description: 'hit / (hit + miss + unavailable); null before the first lookup.' },
          },
        }),
      },
    }),
  },
};
