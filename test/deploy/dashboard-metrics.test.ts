// deploy/grafana/sluice.json queries only metrics Sluice exports: a Sluice with PostgreSQL and Redis
// (so the shared-state metrics exist) and a price for its model (so spend is counted) serves a stream, a non-stream answer and an error, then every
// metric name in the dashboard's PromQL (promql-metric-names.ts) must be a family in /metrics; a
// histogram's _bucket, _sum and _count read its family.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { createDatabase, patientRedisPolicy } from '../cluster/start-cluster.ts';
import { startRedis, type RedisServer } from '../cluster/start-redis.ts';
import { readMetricNames } from './promql-metric-names.ts';

interface Panel {
  title: string;
  type: string;
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}

const dashboard = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'deploy', 'grafana', 'sluice.json'), 'utf8')) as { panels: Panel[]; templating: { list: Array<{ definition?: string }> } };
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const expressions = [
  ...panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
  ...dashboard.templating.list.flatMap((variable) => /label_values\((.+),\s*\w+\)$/.exec(variable.definition ?? '')?.slice(1) ?? []),
];

const clientKey = 'sk-dashboard-metrics-0123456789';
let redis: RedisServer;
let families: MetricFamily[];

function familyOf(name: string): MetricFamily | undefined {
  const exact = families.find((family) => family.name === name);
  if (exact !== undefined) return exact;
  const base = /^(.+)_(bucket|sum|count)$/.exec(name)?.[1];
  return families.find((family) => family.name === base && family.type === 'HISTOGRAM');
}

beforeAll(async () => {
  redis = await startRedis();
  const store = await createDatabase(`sluice_dashboard_${String(process.pid)}`);
  const yaml = `store: ${store}\nredis: ${redis.url}\nkeys:\n  - { name: app, key: ${clientKey} }\nchannels:\n  - { name: echo, type: echo, models: [echo] }\nprices:\n  echo: { input: 1, output: 2 }\n`;
  const sluice = await startSluice(parseConfig(yaml, { file: 'dashboard.yaml', env: {} }), { port: 0, redisClientPolicy: patientRedisPolicy, shutdownMs: 1000 });
  try {
    const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: clientKey, maxRetries: 0 });
    await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'not streamed' }] });
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'streamed' }] });
    const chunks: unknown[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404 });
    families = parsePrometheusTextFormat(await (await fetch(`${sluice.url}/metrics`)).text());
  } finally {
    await sluice.close();
  }
}, 30_000);

afterAll(async () => {
  await redis.stop();
});

describe('the Grafana dashboard', () => {
  it('has panels for traffic, errors, latency, TTFT, overhead, adaptations, breakers, streams, tokens, spend and shared state', () => {
    const used = new Set(expressions.flatMap(readMetricNames));
    for (const name of ['sluice_ingress_requests_total', 'sluice_requests_total', 'sluice_upstream_attempts_total', 'sluice_request_duration_seconds_bucket', 'sluice_time_to_first_token_seconds_bucket', 'sluice_overhead_seconds_bucket', 'sluice_adaptations_total', 'sluice_breaker_state', 'sluice_active_streams', 'sluice_tokens_total', 'sluice_spend_usd_total', 'sluice_shared_state_up']) {
      expect(used, name).toContain(name);
    }
    expect(expressions.length).toBeGreaterThan(20);
  });

  it('queries only metrics that /metrics exports (after a stream, a non-stream answer and an error)', () => {
    const used = [...new Set(expressions.flatMap(readMetricNames))].sort();
    const missing = used.filter((name) => familyOf(name) === undefined);
    expect(missing).toEqual([]);
  });

  it('groups only by labels the metrics carry', () => {
    for (const expression of expressions) {
      const labels = [...expression.matchAll(/\bby \(([^)]*)\)/g)].flatMap((match) => (match[1] ?? '').split(',').map((label) => label.trim()));
      for (const name of readMetricNames(expression)) {
        const family = familyOf(name);
        const sample = family?.metrics.find((metric) => metric.labels !== undefined && Object.keys(metric.labels).length > 0);
        if (sample === undefined) continue;
        const carried = new Set([...Object.keys(sample.labels ?? {}), 'le', 'instance', 'job']);
        expect(labels.filter((label) => !carried.has(label)), `${name} in ${expression}`).toEqual([]);
      }
    }
  });
});
