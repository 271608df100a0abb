// Keyless Sluice is for one person on one machine (issue 11): a web page on another site must not
// be able to use it through the visitor's browser — not by a cross-site `text/plain` POST (no CORS
// preflight), not by DNS rebinding (a foreign name resolving to 127.0.0.1). curl and the SDKs send
// no Origin and keep working; a dev server on a loopback origin keeps working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { startEmulator, writeJson, type Emulator } from '../emulators/emulator-server.ts';
import { sendRaw } from '../support/raw-request.ts';

const chat = JSON.stringify({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });

let upstream: Emulator;
let sluice: RunningSluice;

beforeAll(async () => {
  upstream = await startEmulator((_request, response) => {
    writeJson(response, 200, JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', content: 'relayed' }, finish_reason: 'stop' }] }));
  });
  const yaml = ['channels:', `  - { name: up, type: openai, base_url: "${upstream.url}", api_key: upstream-secret, models: [gpt-x] }`].join('\n');
  sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
});

afterAll(async () => {
  await sluice.close();
  await upstream.close();
});

const port = (): string => new URL(sluice.url).port;

describe('keyless Sluice and browsers', () => {
  it('refuses a cross-site text/plain POST with 403 origin_not_allowed, without calling the upstream', async () => {
    const answer = await sendRaw(sluice.url, { method: 'POST', path: '/v1/chat/completions', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: chat });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'origin_not_allowed', type: 'permission_error' } });
    const fetchMetadata = await sendRaw(sluice.url, { method: 'POST', path: '/v1/chat/completions', headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, body: chat });
    expect(fetchMetadata.status).toBe(403);
    expect(upstream.received).toEqual([]);
  });

  it('refuses a rebound Host with 403 host_not_allowed, on every route', async () => {
    for (const [method, path] of [['POST', '/v1/chat/completions'], ['GET', '/v1/models'], ['GET', '/healthz'], ['GET', '/metrics']] as const) {
      const answer = await sendRaw(sluice.url, { method, path, headers: { host: `rebind.attacker.example:${port()}` }, ...(method === 'POST' ? { body: chat } : {}) });
      expect(answer.status, path).toBe(403);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'host_not_allowed' } });
    }
    expect(upstream.received).toEqual([]);
  });

  it('answers a page served from a loopback origin, and any client that sends no Origin', async () => {
    const fromDevServer = await sendRaw(sluice.url, { method: 'POST', path: '/v1/chat/completions', headers: { origin: 'http://localhost:5173' }, body: chat });
    expect(fromDevServer.status).toBe(200);
    const fromCurl = await sendRaw(sluice.url, { method: 'POST', path: '/v1/chat/completions', headers: { host: `localhost:${port()}` }, body: chat });
    expect(fromCurl.status).toBe(200);
    expect(JSON.parse(fromCurl.text)).toMatchObject({ choices: [{ message: { content: 'relayed' } }] });
    expect(upstream.received).toHaveLength(2);
  });
});
