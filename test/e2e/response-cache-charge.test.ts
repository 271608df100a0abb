// `cache.charge_hits` (docs/caching.md "What a hit costs") through the official OpenAI SDK: by
// default a hit takes nothing off the key's token quota and its log row has no tokens; with
// `charge_hits: true` a hit settles the stored answer's usage against the key like an upstream answer.
import type OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletionsOnly, startEmulator } from '../emulators/emulator-server.ts';
import { serveFault } from '../emulators/faulty-upstream.ts';
import { createAdminClient, eventually, rowsOf, type AdminCall } from '../support/admin-client.ts';
import { startYamlGateway } from '../support/start-yaml-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const adminKey = 'admin-key-for-the-charge-test';
const quota = 10_000;

async function start(cache: string): Promise<{ client: OpenAI; admin: AdminCall; keyId: string; received: () => number }> {
  const upstream = await startEmulator(chatCompletionsOnly((request, response) => serveFault('ok', request, response)));
  cleanups.push(() => upstream.close());
  const yaml = [
    'listen: { host: 127.0.0.1, port: 0 }',
    `admin_key: ${adminKey}`,
    'channels:',
    `  - { name: up, type: openai, base_url: "${upstream.url}", api_key: test-key, models: [m] }`,
    `cache: ${cache}`,
  ].join('\n');
  const gateway = await startYamlGateway(yaml);
  cleanups.push(() => gateway.close());
  const admin = createAdminClient(gateway.url, adminKey);
  const created = await admin('POST', '/keys', { name: 'metered', quota_tokens: quota });
  expect(created.status).toBe(201);
  return { client: gateway.client.withOptions({ apiKey: String(created.body.key) }), admin, keyId: String(created.body.id), received: () => upstream.received.length };
}

async function ask(client: OpenAI): Promise<{ cache: string | null; tokens: number | undefined; requestId: string }> {
  const { data, response } = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'q1' }], max_completion_tokens: 50, stream: false }).withResponse();
  return { cache: response.headers.get('x-sluice-cache'), tokens: data.usage?.total_tokens, requestId: response.headers.get('x-request-id') ?? '' };
}

/** The key's balance once every reservation has been settled (settling follows the answer). */
async function settledBalance(admin: AdminCall, keyId: string, expected: number): Promise<number> {
  const read = async () => Number(rowsOf(await admin('GET', '/keys')).find((key) => key.id === keyId)?.remaining_tokens);
  return eventually(read, (balance) => balance === expected, 3000);
}

async function logRow(admin: AdminCall, requestId: string) {
  return (await eventually(() => admin('GET', `/logs/${requestId}`), (answer) => answer.status === 200, 3000)).body;
}

/** Without charge_hits: the hit leaves the balance where the miss left it, and its log row has no tokens. */
async function expectFreeHits(): Promise<void> {
  const { client, admin, keyId, received } = await start('{ ttl_s: 60 }');
  const miss = await ask(client);
  expect(miss.cache).toBe('miss');
  const used = miss.tokens ?? 0;
  expect(used).toBeGreaterThan(0);
  expect(await settledBalance(admin, keyId, quota - used)).toBe(quota - used);
  const hit = await ask(client);
  expect([hit.cache, hit.tokens]).toEqual(['hit', used]);
  expect(received()).toBe(1);
  expect(await logRow(admin, hit.requestId)).toMatchObject({ adaptations: ['cache-hit'], prompt_tokens: null, completion_tokens: null });
  expect(await settledBalance(admin, keyId, quota - used)).toBe(quota - used);
}

describe('what a hit charges', () => {
  it('charges no tokens by default, and settles the stored usage against the key with charge_hits: true', async () => {
    await expectFreeHits();
    const { client, admin, keyId, received } = await start('{ ttl_s: 60, charge_hits: true }');
    const miss = await ask(client);
    const used = miss.tokens ?? 0;
    expect(used).toBeGreaterThan(0);
    await settledBalance(admin, keyId, quota - used);
    const hit = await ask(client);
    expect([hit.cache, hit.tokens]).toEqual(['hit', used]);
    expect(received()).toBe(1);
    const row = await logRow(admin, hit.requestId);
    expect(row).toMatchObject({ adaptations: ['cache-hit'], attempts: [] });
    expect(Number(row.prompt_tokens) + Number(row.completion_tokens)).toBe(used);
    expect(await settledBalance(admin, keyId, quota - 2 * used)).toBe(quota - 2 * used);
  });
});
