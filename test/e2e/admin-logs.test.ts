// The request log, learned capabilities and stats through the admin API: every request leaves a row
// with its attempts and adaptations, found by its x-request-id; filters and cursor pages; forgetting
// a learned capability makes Sluice learn it again; stats per channel and model.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { chatCompletionsOnly, startEmulator, writeJson, type Emulator } from '../emulators/emulator-server.ts';
import { startXaiEmulator, xaiModel } from '../emulators/xai-rejects-stream-options.ts';
import { createAdminClient, eventually, rowsOf, type AdminCall } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-log-tests';
const clientKey = 'sk-app-key-for-log-tests';

let xai: Emulator;
let refusing: Emulator;
let sluice: RunningSluice;
let admin: AdminCall;
let client: OpenAI;
const requestIds: string[] = [];

beforeAll(async () => {
  xai = await startXaiEmulator();
  refusing = await startEmulator(chatCompletionsOnly((_request, response) => {
    // An upstream with a narrower range than OpenAI's 0–2 (Sluice itself lets 1.5 through).
    writeJson(response, 400, '{"error":{"message":"Invalid value for temperature: 1.5 (this model accepts 0 to 1)","type":"invalid_request_error","param":"temperature","code":null}}');
  }));
  const yaml = `
admin_key: ${adminKey}
keys: [{ name: app, key: ${clientKey} }]
channels:
  - { name: xai, type: openai, base_url: ${xai.url}, api_key: sk-xai, models: [${xaiModel}] }
  - { name: strict, type: openai, base_url: ${refusing.url}, api_key: sk-strict, models: [picky] }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  admin = createAdminClient(sluice.url, adminKey);
  client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: clientKey, maxRetries: 0 });
});

afterAll(async () => {
  await sluice.close();
  await xai.close();
  await refusing.close();
});

const ask = [{ role: 'user' as const, content: 'Say hello.' }];

async function streamWithUsage(): Promise<string> {
  const { data: stream, response } = await client.chat.completions.create({ model: xaiModel, messages: ask, stream: true, stream_options: { include_usage: true } }).withResponse();
  for await (const _part of stream) { /* drain */ }
  return response.headers.get('x-request-id') ?? '';
}

describe('the request log', () => {
  it('keeps a row for every request, with its attempts and adaptations, found by x-request-id', async () => {
    requestIds.push(await streamWithUsage());
    const plain = await client.chat.completions.create({ model: xaiModel, messages: ask }).withResponse();
    requestIds.push(plain.response.headers.get('x-request-id') ?? '');
    const refused = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${clientKey}` }, body: JSON.stringify({ model: 'picky', messages: ask, temperature: 1.5 }) });
    expect(refused.status).toBe(400);
    requestIds.push(refused.headers.get('x-request-id') ?? '');

    const [adapted, nonStream, failed] = await Promise.all(requestIds.map((id) => admin('GET', `/logs/${id}`)));
    expect(adapted?.body).toMatchObject({
      request_id: requestIds[0],
      key: 'app',
      client_model: xaiModel,
      client_stream: true,
      ingress: 'chat',
      channel: 'xai',
      status: 200,
      adaptations: ['learned:stream_options=false', 'usage-counted-locally'],
      attempts: [
        { channel: 'xai', upstream_model: xaiModel, upstream_stream: true, status: 400, error_code: 'upstream_rejected' },
        { channel: 'xai', upstream_stream: true, status: 200, error_code: null },
      ],
      usage_source: 'estimated',
      captured: false,
      capture: null,
    });
    expect(nonStream?.body).toMatchObject({ client_stream: false, status: 200, adaptations: [], attempts: [{ status: 200 }], usage_source: 'upstream' });
    expect(failed?.body).toMatchObject({ status: 400, error_code: 'upstream_rejected', error_message: expect.stringContaining('Invalid value for temperature'), attempts: [{ channel: 'strict', status: 400 }] });
    // The client body's size (issue 18); a chat answer's own size is not measured.
    expect(failed?.body).toMatchObject({ request_bytes: Buffer.byteLength(JSON.stringify({ model: 'picky', messages: ask, temperature: 1.5 })), response_bytes: null });
  });

  it('answers 404 for a request id it never saw', async () => {
    const missing = await admin('GET', '/logs/req_nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', type: 'not_found_error' });
  });

  it('filters by model, channel, status, key, errors and time', async () => {
    const ids = async (query: string) => rowsOf(await admin('GET', `/logs?${query}`)).map((row): unknown => row.request_id);
    expect(await ids(`model=${xaiModel}`)).toEqual([requestIds[1], requestIds[0]]);
    // `channel` is the channel that answered: a request every channel refused has none.
    expect(await ids('channel=xai')).toEqual([requestIds[1], requestIds[0]]);
    expect(await ids('channel=strict')).toEqual([]);
    expect(await ids('errors_only=true')).toEqual([requestIds[2]]);
    expect(await ids('status=200')).toHaveLength(2);
    expect(await ids('key=app')).toHaveLength(3);
    expect(await ids('key=other')).toEqual([]);
    expect(await ids(`since=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
    expect(await ids(`until=${Date.now() + 60_000}`)).toHaveLength(3);
  });

  it('pages by cursor, newest first, until next_cursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await admin('GET', `/logs?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...rowsOf(page).map((row) => String(row.request_id)));
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual([...requestIds].reverse());
  });

  it('answers bad filters with 400 naming the field', async () => {
    expect((await admin('GET', '/logs?cursor=nonsense')).body.error).toMatchObject({ code: 'invalid_request', param: 'cursor' });
    expect((await admin('GET', '/logs?status=abc')).body.error.param).toBe('status');
    expect((await admin('GET', '/logs?since=yesterday')).body.error.param).toBe('since');
    expect((await admin('GET', '/logs?limit=0')).status).toBe(400);
    expect((await admin('GET', '/logs?colour=red')).status).toBe(400);
  });
});

describe('learned capabilities', () => {
  it('lists what was learned, with the upstream’s words and when it is re-checked', async () => {
    const listed = await admin('GET', '/capabilities');
    expect(listed.body.data).toEqual([
      { channel: 'xai', model: xaiModel, stream_options: false, evidence: expect.stringContaining('Argument not supported: stream_options'), learned_at: expect.any(String), recheck_at: expect.any(String) },
    ]);
    const [entry] = listed.body.data;
    expect(Date.parse(String(entry.recheck_at)) - Date.parse(String(entry.learned_at))).toBe(24 * 60 * 60_000);
  });

  it('forgets one in memory and in the store, so the next request learns it again', async () => {
    expect((await admin('DELETE', `/capabilities/xai/${xaiModel}`)).body).toEqual({ channel: 'xai', model: xaiModel, forgotten: true });
    expect((await admin('GET', '/capabilities')).body.data).toEqual([]);
    expect(await sluice.services.store.capabilities.list('xai')).toEqual([]);
    const calls = xai.received.length;
    await streamWithUsage();
    expect(xai.received.length - calls).toBe(2);
    expect((await admin('DELETE', '/capabilities/xai/never-learned')).status).toBe(404);
    // A model name with a slash travels URL-encoded and still reaches the route.
    expect((await admin('DELETE', '/capabilities/xai/meta-llama%2FLlama-3.3-70B')).body.error.code).toBe('not_found');
  });
});

describe('GET /stats', () => {
  it('summarizes per channel and model over the window', async () => {
    const stats = await eventually(() => admin('GET', '/stats?window=5m'), (answer) => answer.body.data?.length === 2);
    expect(stats.body.window).toBe('5m');
    expect(Date.parse(String(stats.body.until)) - Date.parse(String(stats.body.since))).toBe(5 * 60_000);
    const byChannel = Object.fromEntries(rowsOf(stats).map((group) => [String(group.channel ?? 'none'), group]));
    expect(byChannel.xai).toMatchObject({ model: xaiModel, requests: 3, errors: 0, error_rate: 0, duration_ms: { p50: expect.any(Number) }, first_token_ms: { p50: expect.any(Number) } });
    expect(byChannel.none).toMatchObject({ model: 'picky', requests: 1, errors: 1, error_rate: 1 });
    const series = stats.body.series as Array<{ requests: number; errors: number }>;
    expect(series).toHaveLength(60);
    expect(series.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(4);
    expect(series.reduce((sum, bucket) => sum + bucket.errors, 0)).toBe(1);
    expect((await admin('GET', '/stats')).body.window).toBe('1h');
    expect((await admin('GET', '/stats?window=soon')).body.error).toMatchObject({ code: 'invalid_request', param: 'window' });
  });
});

describe('admin auth', () => {
  it('answers 401 admin_key_required without the admin key, or with any other key', async () => {
    for (const key of [undefined, 'wrong', clientKey]) {
      const refused = await createAdminClient(sluice.url, key)('GET', '/keys');
      expect(refused.status).toBe(401);
      expect(refused.body.error).toMatchObject({ code: 'admin_key_required', type: 'authentication_error' });
    }
  });

  it('serves its OpenAPI 3.1 document', async () => {
    const document = await admin('GET', '/openapi.json');
    expect(document.body).toMatchObject({ openapi: '3.1.0', servers: [{ url: '/admin/api' }] });
    expect(document.body.paths).toHaveProperty(['/logs/{request_id}/replay']);
  });

  it('is off, saying why, when no admin_key is configured', async () => {
    const bare = await startSluice(parseConfig('channels: [{ name: echo, type: echo, models: [echo] }]', { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
    try {
      for (const path of ['/keys', '/channels', '/openapi.json']) {
        const off = await createAdminClient(bare.url, 'anything')('GET', path);
        expect(off.status).toBe(404);
        expect(off.body.error).toMatchObject({ code: 'admin_api_disabled', message: expect.stringContaining('no `admin_key`') });
      }
    } finally {
      await bare.close();
    }
  });
});

// Last: its refused rows would change the counts the tests above read.
describe('refusal rows', () => {
  it('names the client protocol on rows of requests refused before their route ran', async () => {
    const paths = { messages: '/v1/messages', responses: '/v1/responses', chat: '/v1/chat/completions', embeddings: '/v1/embeddings' };
    for (const [protocol, path] of Object.entries(paths)) {
      const refused = await fetch(`${sluice.url}${path}`, { method: 'POST', headers: { authorization: 'Bearer sk-not-a-key' }, body: '{}' });
      expect(refused.status).toBe(401);
      const id = refused.headers.get('x-request-id') ?? '';
      const row = (await admin('GET', `/logs/${id}`)).body;
      expect(row, path).toMatchObject({ request_id: id, status: 401, error_code: 'invalid_api_key', ingress: protocol });
    }
  });
});
