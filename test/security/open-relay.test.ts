// Whether Sluice runs keyless is decided once, at start (issue 11: started with keys on 0.0.0.0,
// the last key deleted through the admin API, keyless requests were relayed). Here Sluice starts on
// 0.0.0.0 — allowed only because a key is stored — and loses its last key at run time: a request
// without a key is still 401 and the upstream is never called.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { startEmulator, writeJson, type Emulator } from '../emulators/emulator-server.ts';
import { createAdminClient, rowsOf } from '../support/admin-client.ts';
import { sendRaw } from '../support/raw-request.ts';

const adminKey = 'admin-key-for-open-relay';
const chat = JSON.stringify({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });

let upstream: Emulator;
let directory: string;
let store: string;
let yaml: string;

beforeAll(async () => {
  upstream = await startEmulator((_request, response) => {
    writeJson(response, 200, JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', content: 'relayed' }, finish_reason: 'stop' }] }));
  });
  directory = await mkdtemp(join(tmpdir(), 'sluice-relay-'));
  store = `sqlite:${join(directory, 'sluice.db')}`;
  yaml = [`admin_key: ${adminKey}`, 'channels:', `  - { name: up, type: openai, base_url: "${upstream.url}", api_key: upstream-secret, models: [gpt-x] }`].join('\n');
  // A first run on loopback creates the only key through the admin API; it is stored.
  const first = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store });
  expect((await createAdminClient(first.url, adminKey)('POST', '/keys', { name: 'only' })).status).toBe(201);
  await first.close();
});

afterAll(async () => {
  await upstream.close();
  await rm(directory, { recursive: true, force: true });
});

describe('a Sluice started with keys', () => {
  let sluice: RunningSluice;
  let url: string;

  beforeAll(async () => {
    sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, host: '0.0.0.0', store });
    url = sluice.url.replace('0.0.0.0', '127.0.0.1');
  });

  afterAll(async () => {
    await sluice.close();
  });

  it('stays closed after the last key is deleted through the admin API', async () => {
    const admin = createAdminClient(url, adminKey);
    const keys = rowsOf(await admin('GET', '/keys'));
    expect(keys).toHaveLength(1);
    expect((await admin('DELETE', `/keys/${String(keys[0]?.['id'])}`)).status).toBe(200);
    expect(rowsOf(await admin('GET', '/keys'))).toEqual([]);
    for (const path of ['/v1/chat/completions', '/v%31/chat/completions']) {
      const answer = await sendRaw(url, { method: 'POST', path, body: chat });
      expect(answer.status, path).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'missing_api_key' } });
    }
    expect((await sendRaw(url, { method: 'GET', path: '/v1/models' })).status).toBe(401);
    expect(upstream.received).toEqual([]);
  });

  it('still refuses to start keyless on a non-loopback address', async () => {
    const empty = `sqlite:${join(directory, 'empty.db')}`;
    await expect(startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, host: '0.0.0.0', store: empty })).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0/);
  });
});
