// The alert rules beyond a channel's error rate (docs/alerts.md), end to end through the official
// openai SDK: a model's error rate, a model's p95 latency, a channel's upstream keys set aside, and a
// client key's token quota running low. Each fires once at a local webhook receiver, is listed at
// GET /admin/api/alerts, counts in the alert metrics, and resolves once where the test can bring
// the condition back (the quota refilled). Also measures the time from the request that crosses an
// error-rate threshold to the webhook's arrival.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient, type AdminCall } from '../support/admin-client.ts';
import { readJsonBody, sleepMs, startAlertReceiver, waitUntil, type AlertReceiver } from '../support/alert-receiver.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const adminKey = 'alert-rules-admin-0123456789';
const appKey = 'sk-alert-rules-app';

/** Answers by model and upstream key: bad keys 401, `bad-model` 503, `slow-model` after 150 ms, `metered-model` with 200 tokens of usage. */
async function startUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    void readJsonBody(request).then(async (body) => {
      const json = (status: number, value: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      };
      if ((request.headers.authorization ?? '').startsWith('Bearer bad-')) {
        json(401, { error: { message: 'Incorrect API key provided' } });
        return;
      }
      if (body.model === 'bad-model') {
        json(503, { error: { message: 'overloaded' } });
        return;
      }
      if (body.model === 'slow-model') await sleepMs(150);
      const tokens = body.model === 'metered-model' ? 100 : 1;
      json(200, {
        id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: tokens, completion_tokens: tokens, total_tokens: 2 * tokens },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/v1`, server };
}

describe('alert rules on models, latency, upstream keys and quotas', () => {
  let gateway: YamlGateway;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let receiver: AlertReceiver;
  let admin: AdminCall;
  let app: OpenAI;

  beforeAll(async () => {
    upstream = await startUpstream();
    receiver = await startAlertReceiver();
    const notify = `notify: [{ url: "${receiver.url}" }]`;
    gateway = await startYamlGateway([
      `admin_key: ${adminKey}`,
      'keys:',
      `  - { name: app, key: ${appKey} }`,
      'channels:',
      `  - { name: main, type: openai, base_url: "${upstream.url}", api_key: good, models: [bad-model, good-model, slow-model, metered-model] }`,
      `  - { name: keyed, type: openai, base_url: "${upstream.url}", api_keys: [bad-1, bad-2, good-k], models: [keyed-model] }`,
      'retry: { attempts: 1 }',
      'breaker: { min_calls: 1000 }',
      'alerts:',
      `  - { name: model-errors, when: { error_rate: 0.5, window_s: 5, min_requests: 3 }, models: ["bad-*", "good-*"], hold_s: 0, ${notify} }`,
      `  - { name: slow-model, when: { p95_ms: 100, window_s: 5, min_requests: 3 }, models: [slow-model], hold_s: 0, ${notify} }`,
      `  - { name: keys-refused, when: { keys_set_aside: 2 }, channels: [keyed], hold_s: 0, ${notify} }`,
      `  - { name: quota-low, when: { quota_left_below: 0.5 }, keys: [metered], hold_s: 0, ${notify} }`,
    ].join('\n'), { alertOptions: { checkEveryMs: 50, quotaCheckEveryMs: 50 } });
    admin = createAdminClient(gateway.url, adminKey);
    app = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: appKey, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway.close();
    upstream.server.close();
    receiver.close();
  });

  const ask = (client: OpenAI, model: string): Promise<unknown> => client.chat.completions.create({ model, max_completion_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
  const bodiesOf = (rule: string): Array<Record<string, unknown>> => receiver.received.filter((entry) => entry.body.rule === rule).map((entry) => entry.body);

  it('fires once on a model\'s error rate, for that model only, within a few ms of the crossing', async () => {
    for (let index = 0; index < 4; index += 1) await ask(app, 'good-model');
    await ask(app, 'bad-model');
    await ask(app, 'bad-model');
    const crossing = performance.now();
    await ask(app, 'bad-model');
    const answeredMs = performance.now() - crossing;
    await waitUntil(() => bodiesOf('model-errors').length === 1, 'the model alert');
    const arrivedMs = (receiver.received.find((entry) => entry.body.rule === 'model-errors')?.at ?? 0) - crossing;
    console.info(`alert timing: threshold-crossing request sent → webhook received in ${arrivedMs.toFixed(1)} ms (the request's own round trip: ${answeredMs.toFixed(1)} ms)`);
    expect(arrivedMs).toBeLessThan(1_000);
    await ask(app, 'bad-model');
    await sleepMs(100);
    expect(bodiesOf('model-errors')).toMatchObject([{ kind: 'error_rate', subject: 'model', name: 'bad-model', channel: null, state: 'firing', value: 1, requests: 3 }]);
  });

  it('fires once on a model\'s p95 latency above the bound', async () => {
    for (let index = 0; index < 4; index += 1) await ask(app, 'slow-model');
    await waitUntil(() => bodiesOf('slow-model').length === 1, 'the latency alert');
    expect(bodiesOf('slow-model')[0]).toMatchObject({ kind: 'p95_latency', subject: 'model', name: 'slow-model', state: 'firing', threshold: 100 });
    expect(bodiesOf('slow-model')[0]?.value).toBeGreaterThanOrEqual(150);
  });

  it('fires once when two of a channel\'s upstream keys are set aside', async () => {
    for (let index = 0; index < 3; index += 1) await ask(app, 'keyed-model');
    await waitUntil(() => bodiesOf('keys-refused').length === 1, 'the keys alert');
    for (let index = 0; index < 3; index += 1) await ask(app, 'keyed-model');
    await sleepMs(150);
    expect(bodiesOf('keys-refused')).toMatchObject([{ kind: 'keys_set_aside', subject: 'channel', name: 'keyed', channel: 'keyed', state: 'firing', value: 2, threshold: 2 }]);
  });

  it('fires once when a key\'s token quota runs below the share, and resolves once when it is refilled', async () => {
    const created = await admin('POST', '/keys', { name: 'metered', quota_tokens: 1000 });
    expect(created.status).toBe(201);
    const metered = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(created.body.key), maxRetries: 0 });
    for (let index = 0; index < 2; index += 1) await ask(metered, 'metered-model');
    await sleepMs(150);
    expect(bodiesOf('quota-low')).toEqual([]);
    await ask(metered, 'metered-model');
    await waitUntil(() => bodiesOf('quota-low').length === 1, 'the quota alert');
    expect(bodiesOf('quota-low')[0]).toMatchObject({ kind: 'quota_left_below', subject: 'key', name: 'metered', state: 'firing', value: 0.4, summary: 'metered: 40.0% of its token quota (400 of 1000) left; threshold 50.0%' });
    expect((await admin('PATCH', `/keys/${String(created.body.id)}`, { remaining_tokens: 1000 })).status).toBe(200);
    await waitUntil(() => bodiesOf('quota-low').length === 2, 'the quota resolved');
    expect(bodiesOf('quota-low')[1]).toMatchObject({ state: 'resolved', value: 1 });
  });

  it('lists every alert at GET /admin/api/alerts and counts them in the metrics', async () => {
    const listed = (await admin('GET', '/alerts')).body.data as Array<Record<string, unknown>>;
    expect(listed.map((alert) => `${String(alert.rule)}/${String(alert.name)}/${String(alert.state)}`).sort()).toEqual([
      'keys-refused/keyed/firing', 'model-errors/bad-model/firing', 'quota-low/metered/resolved', 'slow-model/slow-model/firing',
    ]);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('sluice_alerts_firing{rule="model-errors"} 1');
    expect(metrics).toContain('sluice_alerts_firing{rule="quota-low"} 0');
    expect(metrics).toContain('sluice_alert_notifications_total{rule="quota-low",outcome="delivered"} 2');
    expect(metrics).toContain('sluice_alert_notifications_total{rule="model-errors",outcome="failed"} 0');
  });
});
