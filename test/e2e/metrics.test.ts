// /metrics after real traffic: a Prometheus text-format parser accepts the page, and the counters
// and histograms an operator watches have samples. Also /readyz and the overhead header.
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { answerFor, startFaultyUpstream, type Fault } from '../emulators/faulty-upstream.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startMistralEmulator } from '../emulators/strict-upstreams.ts';

let flaky: Emulator;
let mistral: Emulator;
let sluice: RunningSluice;

beforeAll(async () => {
  const script: Fault[] = [{ status: 503, retryAfter: '0' }];
  flaky = await startFaultyUpstream((index) => script[index] ?? 'ok');
  mistral = await startMistralEmulator();
  const yaml = `
retry: { attempts: 3, base_ms: 1, max_ms: 5 }
channels:
  - { name: echo, type: echo, models: [echo] }
  - { name: flaky, type: openai, base_url: ${flaky.url}, api_key: k, models: [flaky-model] }
  - { name: mistral, type: openai, base_url: ${mistral.url}, api_key: k, models: [mistral-small] }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'metrics.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
});

afterAll(async () => {
  await sluice.close();
  await Promise.all([flaky.close(), mistral.close()]);
});

const chat = (body: object) => fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) });

function family(families: MetricFamily[], name: string): MetricFamily {
  const found = families.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no metric ${name}`);
  return found;
}

// A histogram's sample count is its +Inf bucket (this parser drops `_count` on labelled series).
const total = (metric: MetricFamily) => metric.metrics.reduce((sum, sample) => sum + Number(sample.value ?? sample.buckets?.['+Inf'] ?? 0), 0);

describe('metrics', () => {
  it('counts requests, attempts, adaptations and tokens, and samples the histograms', async () => {
    const plain = await chat({ model: 'echo', messages: [{ role: 'user', content: 'hello metrics' }] });
    expect(Number(plain.headers.get('x-sluice-overhead-ms'))).toBeGreaterThanOrEqual(0);
    await (await chat({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'stream me' }] })).text();
    const retried = await chat({ model: 'flaky-model', messages: [{ role: 'user', content: 'q' }] });
    expect(((await retried.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe(answerFor('q'));
    const learning = await chat({ model: 'mistral-small', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'q' }] });
    expect(learning.headers.get('x-sluice-adaptations')).toBe('learned:stream_options=false, usage-counted-locally');
    expect(learning.headers.get('x-sluice-upstream-stream')).toBe('true');
    await learning.text();
    await chat({ model: 'nope', messages: [{ role: 'user', content: 'q' }] });

    const response = await fetch(`${sluice.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const page = await response.text();
    const families = parsePrometheusTextFormat(page);
    expect(total(family(families, 'sluice_requests_total'))).toBe(5);
    expect(family(families, 'sluice_ingress_requests_total').metrics.map((sample) => [sample.labels?.ingress, sample.value])).toEqual([['chat', '5']]);
    const attempts = family(families, 'sluice_upstream_attempts_total').metrics;
    expect(attempts.find((sample) => sample.labels?.channel === 'flaky' && sample.labels.outcome === 'upstream_error')?.value).toBe('1');
    expect(attempts.find((sample) => sample.labels?.channel === 'mistral' && sample.labels.outcome === 'upstream_rejected')?.value).toBe('1');
    const adaptations = family(families, 'sluice_adaptations_total').metrics.map((sample) => sample.labels?.kind);
    expect(adaptations).toEqual(expect.arrayContaining(['learned:stream_options', 'usage-counted-locally']));
    const tokens = family(families, 'sluice_tokens_total').metrics;
    expect(tokens.some((sample) => sample.labels?.source === 'estimated' && Number(sample.value) > 0)).toBe(true);
    expect(tokens.some((sample) => sample.labels?.source === 'upstream' && Number(sample.value) > 0)).toBe(true);
    for (const name of ['sluice_request_duration_seconds', 'sluice_time_to_first_token_seconds', 'sluice_overhead_seconds']) {
      expect(family(families, name).type).toBe('HISTOGRAM');
      expect(total(family(families, name)), name).toBeGreaterThan(0);
    }
    expect(family(families, 'sluice_active_streams').metrics[0]?.value).toBe('0');
    expect(families.some((candidate) => candidate.name === 'sluice_process_cpu_seconds_total')).toBe(true);
  });

  it('is ready while a channel can take traffic', async () => {
    const response = await fetch(`${sluice.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ready: true, channels: { total: 3, usable: 3 } });
  });
});
