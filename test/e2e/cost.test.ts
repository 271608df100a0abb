// Cost and budgets end to end (docs/cost.md): the official SDK → Sluice → an upstream that reports
// usage with cached prompt tokens. Each request's cost is stored with its log row, summed per key,
// channel and model by /admin/api/stats and counted in /metrics; a key's budget is reserved before
// a call (its upper-bound cost), settled to the real cost after, refused with 429 budget_exceeded
// once spent, and starts over at the next UTC day (the clock is the test's).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { chatCompletionsOnly, requestedModel, startEmulator, wantsStream, writeJson, type Emulator } from '../emulators/emulator-server.ts';
import { createAdminClient, eventually, rowsOf, type AdminCall } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-cost-tests';
const usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 400 } };
// 600 plain prompt tokens at $2.50, 400 cached at $1.25, 500 completion at $10 per 1M tokens.
const costOfOne = (600 * 2.5 + 400 * 1.25 + 500 * 10) / 1e6;

let upstream: Emulator;
let sluice: RunningSluice;
let admin: AdminCall;
let now = Date.UTC(2026, 0, 1, 23, 0, 0);

function clientFor(key: string): OpenAI {
  return new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
}

beforeAll(async () => {
  upstream = await startEmulator(
    chatCompletionsOnly((request, response) => {
      const model = requestedModel(request);
      if (!wantsStream(request)) {
        writeJson(response, 200, JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage }));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (fields: object) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model, ...fields })}\n\n`;
      response.end(chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'ok' }, finish_reason: null }] }) + chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) + chunk({ choices: [], usage }) + 'data: [DONE]\n\n');
    }),
  );
  const yaml = `
admin_key: ${adminKey}
keys:
  - { name: app, key: sk-cost-app-0001 }
  - { name: capped, key: sk-cost-capped-01, budget: { usd: 0.02, period: day } }
  - { name: roomy, key: sk-cost-roomy-001, budget: { usd: 2, period: month } }
channels:
  - { name: up, type: openai, base_url: ${upstream.url}, api_key: k, models: [gpt-4o, llama] }
prices:
  gpt-4o: { input: 2.5, cached_input: 1.25, output: 10 }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:', clock: () => now });
  admin = createAdminClient(sluice.url, adminKey);
});

afterAll(async () => {
  await sluice.close();
  await upstream.close();
});

async function logRow(requestId: string) {
  return eventually(() => admin('GET', `/logs/${requestId}`), (answer) => answer.status === 200);
}

async function keyNamed(name: string) {
  return rowsOf(await admin('GET', '/keys')).find((key) => key.name === name);
}

describe('cost per request', () => {
  it('stores the cost of a request with its row, from the upstream usage with cached tokens', async () => {
    const answer = await clientFor('sk-cost-app-0001').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const row = await logRow(answer.response.headers.get('x-request-id') ?? '');
    expect(row.body.cost_usd).toBeCloseTo(costOfOne, 12);
    expect(row.body.cached_prompt_tokens).toBe(400);
  });

  it('prices a streamed request the same way', async () => {
    const stream = await clientFor('sk-cost-app-0001').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true }).withResponse();
    let chunks = 0;
    for await (const chunk of stream.data) chunks += chunk.choices.length;
    expect(chunks).toBeGreaterThan(0);
    const row = await logRow(stream.response.headers.get('x-request-id') ?? '');
    expect(row.body.cost_usd).toBeCloseTo(costOfOne, 12);
  });

  it('records a model without a price as unknown cost, not 0', async () => {
    const answer = await clientFor('sk-cost-app-0001').chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const row = await logRow(answer.response.headers.get('x-request-id') ?? '');
    expect(row.body.prompt_tokens).toBe(1000);
    expect(row.body.cost_usd).toBeNull();
  });

  it('sums spend per key, channel and model in /admin/api/stats and counts it in /metrics', async () => {
    const stats = await admin('GET', '/stats?window=1h');
    expect(stats.status).toBe(200);
    const spend = stats.body.spend as { total_usd: number; unpriced_requests: number; by_key: Array<Record<string, unknown>>; data: Array<Record<string, unknown>> };
    expect(spend.unpriced_requests).toBe(1);
    const app = spend.data.find((group) => group.key === 'app' && group.model === 'gpt-4o');
    expect(app).toMatchObject({ channel: 'up', requests: 2, unpriced_requests: 0, cached_prompt_tokens: 800 });
    expect(app?.cost_usd).toBeCloseTo(2 * costOfOne, 12);
    expect(spend.by_key.find((group) => group.key === 'app')?.cost_usd).toBeCloseTo(2 * costOfOne, 12);
    const metrics = await (await fetch(`${sluice.url}/metrics`)).text();
    const line = metrics.split('\n').find((text) => text.startsWith('sluice_spend_usd_total{key="app",channel="up",model="gpt-4o"}'));
    expect(Number(line?.split(' ').at(-1))).toBeCloseTo(2 * costOfOne, 12);
  });
});

describe('per-key budgets', () => {
  it('settles a reservation to the real cost: the rest of the hold comes back', async () => {
    // max_tokens 100000 holds about $1 at $10 per 1M completion tokens; the request cost far less.
    await clientFor('sk-cost-roomy-001').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 100_000 });
    const roomy = await eventually(() => keyNamed('roomy'), (key) => key?.budget_spent_usd !== undefined && Math.abs(Number(key.budget_spent_usd) - costOfOne) < 1e-9);
    expect(roomy?.budget).toEqual({ usd: 2, period: 'month' });
    expect(roomy?.budget_spent_usd).toBeCloseTo(costOfOne, 12);
  });

  it('refuses a request whose upper-bound cost would pass the budget, and a hold larger than the budget at once', async () => {
    const capped = clientFor('sk-cost-capped-01');
    const ask = () => capped.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 500 });
    // Each call holds about $0.005 and costs $0.007: three fit in $0.02, the fourth would not.
    for (let index = 0; index < 3; index += 1) await ask();
    const refusal = await ask().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.APIError);
    const error = refusal as InstanceType<typeof OpenAI.APIError>;
    expect([error.status, error.code, error.type]).toEqual([429, 'budget_exceeded', 'insufficient_quota']);
    expect(error.message).toContain("'capped' may spend $0.02 per day");
    // Until the next UTC day: an hour away on the test's clock.
    expect(Number(error.headers?.get('retry-after'))).toBe(3600);
    const tooBig = await capped.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 100_000 }).catch((caught: unknown) => caught);
    expect((tooBig as InstanceType<typeof OpenAI.APIError>).code).toBe('budget_exceeded');
  });

  it('starts over at the next period', async () => {
    now += 3600_000;
    const answer = await clientFor('sk-cost-capped-01').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 500 });
    expect(answer.choices[0]?.message.content).toBe('ok');
    const capped = await eventually(() => keyNamed('capped'), (key) => Math.abs(Number(key?.budget_spent_usd) - costOfOne) < 1e-9);
    expect(capped?.budget_spent_usd).toBeCloseTo(costOfOne, 12);
    expect(capped?.budget_period_start).toBe('2026-01-02T00:00:00.000Z');
  });

  it('refuses a budgeted key a model without a price: its spend could not be counted', async () => {
    const refusal = await clientFor('sk-cost-capped-01').chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect((refusal as InstanceType<typeof OpenAI.APIError>).status).toBe(403);
    expect((refusal as InstanceType<typeof OpenAI.APIError>).message).toContain('has no price');
  });

  it('sets a budget on a key created through the admin API', async () => {
    const created = await admin('POST', '/keys', { name: 'made', budget: { usd: 0, period: 'day' } });
    expect(created.status).toBe(201);
    expect(created.body.budget).toEqual({ usd: 0, period: 'day' });
    const refusal = await clientFor(String(created.body.key)).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect((refusal as InstanceType<typeof OpenAI.APIError>).code).toBe('budget_exceeded');
    const cleared = await admin('PATCH', `/keys/${String(created.body.id)}`, { budget: null });
    expect(cleared.body.budget).toBeNull();
    expect((await admin('POST', '/keys', { name: 'bad', budget: { usd: -1, period: 'week' } })).status).toBe(400);
  });
});
