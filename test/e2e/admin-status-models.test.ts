// Issue 16, the console's first minute: GET /admin/api/status says, with no key, only whether the
// admin API is on (so the sign-in page can say how to turn it on before a key is typed); GET
// /admin/api/models lists every model for the admin, so the playground needs no client key to list.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';

const adminKey = 'admin-key-for-status-and-models';
const clientKey = 'sk-status-models-client-0123';
const channels = 'channels: [{ name: echo, type: echo, models: [echo, "echo-*"], model_map: { parrot: echo } }]';
const running: RunningSluice[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sluice) => sluice.close()));
});

async function start(yaml: string): Promise<string> {
  const config = parseConfig(`${yaml}\n${channels}`, { file: 'sluice.yaml', env: {} });
  const sluice = await startSluice(config, { port: 0, store: 'sqlite::memory:', logger: pino({ level: 'silent' }) });
  running.push(sluice);
  return sluice.url;
}

async function getJson(url: string, key?: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

describe('GET /admin/api/status', () => {
  it('says the admin API is off, with no key, and nothing else', async () => {
    const url = await start('');
    const status = await getJson(`${url}/admin/api/status`);
    expect(status).toMatchObject({ status: 200, body: { admin_api: 'off' } });
    expect(Object.keys(status.body)).toEqual(['admin_api']);
    expect(status.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await getJson(`${url}/admin/api/models`)).body).toMatchObject({ error: { code: 'admin_api_disabled' } });
  });

  it('says it is on, with no key or a wrong one, and a wrong key sent there is not counted as a guess', async () => {
    const url = await start(`admin_key: ${adminKey}\nkeys: [{ name: app, key: ${clientKey} }]`);
    expect(await getJson(`${url}/admin/api/status`)).toMatchObject({ status: 200, body: { admin_api: 'on' } });
    for (let guess = 0; guess < 12; guess += 1) expect((await getJson(`${url}/admin/api/status`, `wrong-${guess}`)).status).toBe(200);
    expect((await getJson(`${url}/admin/api/channels`, adminKey)).status).toBe(200);
  });
});

describe('GET /admin/api/models', () => {
  it('lists every model for the admin key, with keys configured and no client key, and refuses anyone else', async () => {
    const url = await start(`admin_key: ${adminKey}\nkeys: [{ name: app, key: ${clientKey}, models: [parrot] }]`);
    const models = await getJson(`${url}/admin/api/models`, adminKey);
    expect(models.status).toBe(200);
    expect((models.body.data as Array<{ id: string }>).map((model) => model.id)).toEqual(['echo', 'parrot']);
    expect((models.body.data as unknown[])[0]).toMatchObject({ id: 'echo', owned_by: 'echo', capabilities: { stream: 'native', non_stream: 'native' } });
    expect((await getJson(`${url}/admin/api/models`)).body).toMatchObject({ error: { code: 'admin_key_required' } });
    expect((await getJson(`${url}/admin/api/models`, clientKey)).status).toBe(401);
  });
});
