// Behind a reverse proxy, the client's address comes from X-Forwarded-For only when the socket's
// peer is a configured trusted proxy (`server.trusted_proxies`); anyone else's X-Forwarded-For is
// ignored, so a client cannot pick the address it is logged and limited under.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { createAdminClient, eventually } from '../support/admin-client.ts';
import { sendRaw } from '../support/raw-request.ts';

const adminKey = 'admin-key-for-trusted-proxy';
const chat = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] });
let sluice: RunningSluice | undefined;

async function start(server: string): Promise<RunningSluice> {
  const yaml = [`admin_key: ${adminKey}`, server, 'keys: [{ name: app, key: sk-proxy-test }]', 'channels: [{ name: echo, type: echo, models: [echo] }]'].join('\n');
  sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  return sluice;
}

afterEach(async () => {
  await sluice?.close();
  sluice = undefined;
});

async function loggedAddress(running: RunningSluice): Promise<unknown> {
  const answer = await sendRaw(running.url, { method: 'POST', path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-proxy-test', 'x-forwarded-for': '198.51.100.4, 203.0.113.9' }, body: chat });
  expect(answer.status).toBe(200);
  const admin = createAdminClient(running.url, adminKey);
  const row = await eventually(() => admin('GET', `/logs/${String(answer.headers['x-request-id'])}`), (found) => found.status === 200);
  return row.body['client_ip'];
}

describe('trusted proxies', () => {
  it('logs the address the trusted proxy forwarded', async () => {
    expect(await loggedAddress(await start('server: { trusted_proxies: [loopback] }'))).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    expect(await loggedAddress(await start('server: { trusted_proxies: [10.0.0.0/8] }'))).toBe('127.0.0.1');
  });
});
