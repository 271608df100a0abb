// Client keys through the admin API, end to end: a created key works, hits its RPM limit with 429
// and Retry-After, spends its quota into 429 insufficient_quota, and stops working when revoked,
// expired or deleted — each change seen by auth at once.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { createAdminClient, eventually, rowsOf, type AdminCall } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-key-tests';
const configKey = 'sk-config-app-key-123456';

let sluice: RunningSluice;
let admin: AdminCall;

beforeAll(async () => {
  const yaml = `
admin_key: ${adminKey}
keys:
  - { name: app, key: ${configKey}, models: ["*"] }
channels:
  - { name: echo, type: echo, models: [echo, echo-*] }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  admin = createAdminClient(sluice.url, adminKey);
});

afterAll(async () => {
  await sluice.close();
});

function clientFor(key: string): OpenAI {
  return new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: key, maxRetries: 0 });
}

const ask = (client: OpenAI, model = 'echo') => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'one two three four five six' }] });

async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const created = await admin('POST', '/keys', body);
  expect(created.status).toBe(201);
  return { id: created.body.id, key: created.body.key };
}

describe('listing keys', () => {
  it('shows a config key by its prefix only, marked as from the config', async () => {
    const listed = await admin('GET', '/keys');
    expect(listed.body.data).toEqual([expect.objectContaining({ name: 'app', source: 'config', prefix: configKey.slice(0, 6), enabled: true })]);
    expect(JSON.stringify(listed.body)).not.toContain(configKey);
    expect(listed.body.data[0]).not.toHaveProperty('key');
  });

  it('refuses to delete a config key, saying how to revoke it', async () => {
    const id = (await admin('GET', '/keys')).body.data[0].id;
    const refused = await admin('DELETE', `/keys/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('"enabled": false');
  });
});

describe('a key created through the admin API', () => {
  it('is shown once in full, then only by its prefix', async () => {
    const { id, key } = await createKey({ name: 'shown-once' });
    expect(key).toMatch(/^sk-sluice-/);
    const listed = rowsOf(await admin('GET', '/keys')).find((record) => record.id === id);
    expect(listed).toMatchObject({ name: 'shown-once', source: 'api', prefix: key.slice(0, 12), models: ['*'], rpm: null });
    expect(JSON.stringify((await admin('GET', '/keys')).body)).not.toContain(key);
  });

  it('works at once, only for its models, and hits its RPM limit with 429 and Retry-After', async () => {
    // Three requests a minute; a refused model spends none of them (issue 12).
    const { id, key } = await createKey({ name: 'limited', models: ['echo'], rpm: 3 });
    const client = clientFor(key);
    expect((await ask(client)).choices[0]?.message.content).toBe('one two three four five six');
    await expect(ask(client, 'echo-2')).rejects.toMatchObject({ status: 403, code: 'model_not_allowed' });
    await ask(client);
    await ask(client);
    const limited = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'x' }] }) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    const lifted = await admin('PATCH', `/keys/${id}`, { rpm: null });
    expect(lifted.body.rpm).toBeNull();
  });

  it('spends its token quota into 429 insufficient_quota, and a new quota lets it in again', async () => {
    // A request reserves its prompt and max_completion_tokens (about 33 here) and settles to its usage.
    const { id, key } = await createKey({ name: 'metered', quota_tokens: 40 });
    const client = clientFor(key);
    const capped = (model = 'echo') => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'one two three four five six' }], max_completion_tokens: 20 });
    const used = (await capped()).usage?.total_tokens ?? 0;
    expect(used).toBeGreaterThan(7);
    const spent = await eventually(() => admin('GET', '/keys'), (answer) => rowsOf(answer).find((record) => record.id === id)?.remaining_tokens === 40 - used);
    expect(rowsOf(spent).find((record) => record.id === id)).toMatchObject({ quota_tokens: 40, remaining_tokens: 40 - used });
    await expect(capped()).rejects.toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' });
    expect((await admin('PATCH', `/keys/${id}`, { quota_tokens: 1000 })).body).toMatchObject({ quota_tokens: 1000, remaining_tokens: 1000 });
    expect((await capped()).choices).toHaveLength(1);
  });

  it('stops working when revoked, expired or deleted (401), and works again when re-enabled', async () => {
    const { id, key } = await createKey({ name: 'revocable', debug: true });
    const client = clientFor(key);
    await ask(client);
    expect((await admin('PATCH', `/keys/${id}`, { enabled: false })).body.enabled).toBe(false);
    await expect(ask(client)).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    await admin('PATCH', `/keys/${id}`, { enabled: true });
    await ask(client);
    expect((await admin('PATCH', `/keys/${id}`, { expires_at: '2001-01-01T00:00:00Z' })).body.expires_at).toBe('2001-01-01T00:00:00.000Z');
    await expect(ask(client)).rejects.toMatchObject({ status: 401 });
    await admin('PATCH', `/keys/${id}`, { expires_at: null });
    await ask(client);
    expect((await admin('DELETE', `/keys/${id}`)).body).toEqual({ id, deleted: true });
    await expect(ask(client)).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((await admin('PATCH', `/keys/${id}`, { rpm: 1 })).body.error.code).toBe('not_found');
  });
});

describe('bad key input', () => {
  it('answers 400 naming the field, and 409 for a name taken', async () => {
    const invalid = await admin('POST', '/keys', { name: 'x', rpm: -1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'invalid_request', param: 'rpm' });
    expect((await admin('POST', '/keys', { name: 'x', secret: 1 })).status).toBe(400);
    const notJson = await fetch(`${sluice.url}/admin/api/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` }, body: '{not json' });
    expect(notJson.status).toBe(400);
    const taken = await admin('POST', '/keys', { name: 'app' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('conflict');
  });
});
