// Per-key cache settings (docs/caching.md "Per key") through the official OpenAI SDK: a key whose
// cache is off never reads or writes the shared cache, a key's ttl_s bounds what it is served and
// how long its answers stay, a key's models replace the global list; set in the config file and
// through the admin keys API. The upstream counts the calls it gets.
import type OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletionsOnly, startEmulator, type Emulator } from '../emulators/emulator-server.ts';
import { answerFor, serveFault } from '../emulators/faulty-upstream.ts';
import { createAdminClient, type AdminCall } from '../support/admin-client.ts';
import { startYamlGateway } from '../support/start-yaml-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const adminKey = 'admin-key-for-the-cache-keys-test';

async function start(keys: string[]): Promise<{ upstream: Emulator; client: (apiKey: string) => OpenAI; admin: AdminCall }> {
  const upstream = await startEmulator(chatCompletionsOnly((request, response) => serveFault('ok', request, response)));
  cleanups.push(() => upstream.close());
  const yaml = [
    'listen: { host: 127.0.0.1, port: 0 }',
    `admin_key: ${adminKey}`,
    'keys:',
    ...keys.map((key) => `  - ${key}`),
    'channels:',
    `  - { name: up, type: openai, base_url: "${upstream.url}", api_key: test-key, models: [m, other] }`,
    'cache: { ttl_s: 60 }',
  ].join('\n');
  const gateway = await startYamlGateway(yaml);
  cleanups.push(() => gateway.close());
  return { upstream, client: (apiKey) => gateway.client.withOptions({ apiKey }), admin: createAdminClient(gateway.url, adminKey) };
}

async function ask(client: OpenAI, question: string, model = 'm'): Promise<string | null> {
  const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: question }], stream: false }).withResponse();
  expect(data.choices[0]?.message.content).toBe(answerFor(question));
  return response.headers.get('x-sluice-cache');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('per-key cache settings from the config file', () => {
  it('never serves or stores for a key whose cache is off, while other keys share the cache', async () => {
    const { upstream, client } = await start(['{ name: on, key: on-key-123 }', '{ name: off, key: off-key-123, cache: { enabled: false } }']);
    const on = client('on-key-123');
    const off = client('off-key-123');
    expect(await ask(on, 'q1')).toBe('miss');
    expect(await ask(on, 'q1')).toBe('hit');
    // The same question from the key that is off goes upstream every time.
    expect(await ask(off, 'q1')).toBeNull();
    expect(await ask(off, 'q1')).toBeNull();
    expect(upstream.received).toHaveLength(3);
    // Its answers are not stored for the others either.
    expect(await ask(off, 'q2')).toBeNull();
    expect(await ask(on, 'q2')).toBe('miss');
    expect(upstream.received).toHaveLength(5);
  });

  it('serves a key with a short ttl_s only young answers, and stores its answers that long', async () => {
    const { upstream, client } = await start(['{ name: on, key: on-key-123 }', '{ name: brief, key: brief-key-123, cache: { ttl_s: 0.5 } }']);
    const on = client('on-key-123');
    const brief = client('brief-key-123');
    expect(await ask(on, 'q1')).toBe('miss');
    expect(await ask(brief, 'q1')).toBe('hit');
    await sleep(600);
    // Stored 600 ms ago: fine for `on` (60 s), too old for `brief`, which refreshes it for 0.5 s.
    expect(await ask(brief, 'q1')).toBe('miss');
    expect(await ask(on, 'q1')).toBe('hit');
    await sleep(600);
    expect(await ask(on, 'q1')).toBe('miss');
    expect(upstream.received).toHaveLength(3);
  });

  it('caches for a key only the models of its own list', async () => {
    const { upstream, client } = await start(['{ name: narrow, key: narrow-key-123, cache: { models: [other] } }']);
    const narrow = client('narrow-key-123');
    expect(await ask(narrow, 'q1', 'm')).toBeNull();
    expect(await ask(narrow, 'q1', 'm')).toBeNull();
    expect(await ask(narrow, 'q1', 'other')).toBe('miss');
    expect(await ask(narrow, 'q1', 'other')).toBe('hit');
    expect(upstream.received).toHaveLength(3);
  });
});

describe('per-key cache settings through the admin keys API', () => {
  it('creates a key with its cache off, shows it, and PATCH null returns it to the global settings', async () => {
    const { upstream, client, admin } = await start(['{ name: on, key: on-key-123 }']);
    const created = await admin('POST', '/keys', { name: 'api', cache: { enabled: false } });
    expect(created.status).toBe(201);
    expect(created.body.cache).toEqual({ enabled: false, ttl_s: null, models: null });
    const apiKey = String(created.body.key);
    expect(await ask(client('on-key-123'), 'q1')).toBe('miss');
    expect(await ask(client(apiKey), 'q1')).toBeNull();
    expect(upstream.received).toHaveLength(2);

    const changed = await admin('PATCH', `/keys/${String(created.body.id)}`, { cache: null });
    expect(changed.body.cache).toBeNull();
    expect(await ask(client(apiKey), 'q1')).toBe('hit');
    const narrowed = await admin('PATCH', `/keys/${String(created.body.id)}`, { cache: { ttl_s: 30, models: ['other'] } });
    expect(narrowed.body.cache).toEqual({ enabled: true, ttl_s: 30, models: ['other'] });
    const listed = await admin('GET', '/keys');
    expect((listed.body.data as Array<{ name: string; cache: unknown }>).find((key) => key.name === 'on')?.cache).toBeNull();
    expect(await ask(client(apiKey), 'q1')).toBeNull();
    expect(upstream.received).toHaveLength(3);
  });

  it('takes a valid cache setting and refuses one that is not with a 400', async () => {
    const { admin } = await start(['{ name: on, key: on-key-123 }']);
    const valid = await admin('POST', '/keys', { name: 'valid', cache: { ttl_s: 0.5 } });
    expect([valid.status, valid.body.cache]).toEqual([201, { enabled: true, ttl_s: 0.5, models: null }]);
    for (const cache of [{ ttl_s: 0 }, { enabled: 'no' }, { models: [] }, { size: 1 }]) {
      const answer = await admin('POST', '/keys', { name: `bad-${JSON.stringify(cache)}`, cache });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ type: 'invalid_request_error' });
    }
  });
});
