// The admin API's channels end to end: config channels listed read-only with keys masked, API
// channels created, changed and deleted taking (or losing) traffic at once, and a probe that
// reports each mode with the upstream's own words and stores what it showed.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { dashscopeModel, startDashscopeEmulator } from '../emulators/dashscope-stream-only.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startXaiEmulator, xaiModel } from '../emulators/xai-rejects-stream-options.ts';
import { createAdminClient, rowsOf, type AdminCall } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-channel-tests';
const xaiKey = 'sk-xai-config-secret-0001';
const dashKey = 'sk-dash-api-secret-000002';

let xai: Emulator;
let dashscope: Emulator;
let sluice: RunningSluice;
let admin: AdminCall;
let client: OpenAI;

beforeAll(async () => {
  xai = await startXaiEmulator();
  dashscope = await startDashscopeEmulator();
  const yaml = `
admin_key: ${adminKey}
channels:
  - { name: xai, type: openai, base_url: ${xai.url}, api_key: ${xaiKey}, models: [${xaiModel}] }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  admin = createAdminClient(sluice.url, adminKey);
  client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await sluice.close();
  await xai.close();
  await dashscope.close();
});

const ask = [{ role: 'user' as const, content: 'Say hello.' }];

describe('GET /channels', () => {
  it('lists a config channel read-only, its keys masked, with its health', async () => {
    const answer = await admin('GET', '/channels');
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).not.toContain(xaiKey);
    expect(answer.body.data).toEqual([
      expect.objectContaining({ name: 'xai', source: 'config', type: 'openai', api_keys: ['sk-…0001'], models: [xaiModel], health: { circuits: [{ model: xaiModel, state: 'closed', failures: 0 }], refused_keys: [], learned: [] } }),
    ]);
  });
});

describe('API channels', () => {
  const entry = { name: 'dash', type: 'openai', api_key: dashKey, models: [dashscopeModel] };

  it('creates a channel that takes traffic at once, and masks its key', async () => {
    const created = await admin('POST', '/channels', { ...entry, base_url: dashscope.url });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'dash', source: 'api', enabled: true, api_keys: ['sk-…0002'] });
    expect(JSON.stringify(created.body)).not.toContain(dashKey);
    const stream = await client.chat.completions.create({ model: dashscopeModel, messages: ask, stream: true });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from DashScope!');
    expect(dashscope.received.at(-1)?.headers.authorization).toBe(`Bearer ${dashKey}`);
  });

  it('refuses a name already taken, by a config or an API channel, with 409', async () => {
    expect((await admin('POST', '/channels', { ...entry, base_url: dashscope.url })).body.error.code).toBe('conflict');
    const clash = await admin('POST', '/channels', { ...entry, name: 'xai', base_url: dashscope.url });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toContain("'xai'");
  });

  it('refuses an entry the config file would refuse, naming the field', async () => {
    const invalid = await admin('POST', '/channels', { name: 'bad', type: 'openai', base_url: 'ftp://x', models: ['m'], weight: -2, prioirty: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'invalid_request', type: 'invalid_request_error' });
    expect(invalid.body.error.message).toMatch(/base_url: expected an http/);
    expect(invalid.body.error.message).toMatch(/weight: expected a positive number/);
    expect(invalid.body.error.message).toMatch(/prioirty: unknown key; did you mean "priority"/);
  });

  it('changes an API channel with a merge patch, and disables and enables it', async () => {
    const changed = await admin('PATCH', '/channels/dash', { priority: 5, model_map: { qwq: dashscopeModel } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ priority: 5, model_map: { qwq: dashscopeModel } });
    expect((await client.chat.completions.create({ model: 'qwq', messages: ask })).choices[0]?.message.content).toBe('Hello from DashScope!');
    expect((await admin('PATCH', '/channels/dash', { enabled: false })).body.enabled).toBe(false);
    await expect(client.chat.completions.create({ model: dashscopeModel, messages: ask })).rejects.toMatchObject({ status: 404 });
    expect((await admin('PATCH', '/channels/dash', { enabled: true, model_map: null })).body).toMatchObject({ enabled: true, model_map: {} });
    expect((await admin('PATCH', '/channels/dash', { name: 'renamed' })).status).toBe(400);
    expect((await admin('PATCH', '/channels/dash', { weight: 0 })).status).toBe(400);
  });

  it('refuses to change or delete a config channel with 409, and answers 404 for an unknown one', async () => {
    const patch = await admin('PATCH', '/channels/xai', { priority: 1 });
    expect(patch.status).toBe(409);
    expect(patch.body.error.message).toMatch(/config file/);
    expect((await admin('DELETE', '/channels/xai')).status).toBe(409);
    expect((await admin('PATCH', '/channels/nope', { priority: 1 })).body.error.code).toBe('not_found');
    expect((await admin('DELETE', '/channels/nope')).status).toBe(404);
    expect((await admin('POST', '/channels/nope/probe')).status).toBe(404);
  });
});

describe('POST /channels/:name/probe', () => {
  it('reports a stream-only model and stores stream: required', async () => {
    const probe = await admin('POST', '/channels/dash/probe', {});
    expect(probe.status).toBe(200);
    const [report] = probe.body.models;
    expect(report).toMatchObject({
      model: dashscopeModel,
      non_stream: { ok: false, status: 400 },
      stream: { ok: true, status: 200 },
      stream_options: { ok: true, usage: true },
      configured: {},
      resulting: { stream: 'required', stream_options: true },
    });
    expect(report.non_stream.error).toContain('This model only support stream mode');
  });

  it('reports an upstream that rejects stream_options, in its own words, and the next call needs one try', async () => {
    const probe = await admin('POST', '/channels/xai/probe');
    const [report] = probe.body.models;
    expect(report).toMatchObject({ model: xaiModel, non_stream: { ok: true }, stream: { ok: true, usage: false }, stream_options: { ok: false, status: 400 }, resulting: { stream: 'supported', stream_options: false } });
    expect(report.stream_options.error).toContain('Argument not supported: stream_options');
    const learned = rowsOf(await admin('GET', '/capabilities')).find((entry) => entry.channel === 'xai');
    expect(learned).toMatchObject({ model: xaiModel, stream: 'supported', stream_options: false, evidence: expect.stringMatching(/^probe: /) });
    const channels = await admin('GET', '/channels');
    expect(channels.body.data[0].health.learned).toEqual([expect.objectContaining({ model: xaiModel, stream_options: false })]);
    const calls = xai.received.length;
    const stream = await client.chat.completions.create({ model: xaiModel, messages: ask, stream: true, stream_options: { include_usage: true } });
    for await (const _part of stream) { /* drain */ }
    expect(xai.received.length - calls).toBe(1);
  });
});

describe('deleting an API channel', () => {
  it('stops its traffic and forgets what was learned about it', async () => {
    const deleted = await admin('DELETE', '/channels/dash');
    expect(deleted.body).toEqual({ name: 'dash', deleted: true });
    await expect(client.chat.completions.create({ model: dashscopeModel, messages: ask })).rejects.toMatchObject({ status: 404 });
    expect(rowsOf(await admin('GET', '/channels')).map((channel): unknown => channel.name)).toEqual(['xai']);
    expect(rowsOf(await admin('GET', '/capabilities')).some((entry) => entry.channel === 'dash')).toBe(false);
  });
});
