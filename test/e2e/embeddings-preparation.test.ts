// Issue 12, item 10: an embeddings request is prepared like a chat request — the channel's
// `overrides` (RFC 7396 merge patch on the body) and `headers` reach the upstream, and a channel with
// `debug: true` captures the exchange, shown by GET /admin/api/logs/:request_id.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startOpenAiEmbeddings } from '../emulators/embeddings-upstreams.ts';
import { createAdminClient, eventually, type AdminCall } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-embeddings-preparation';
const upstreamKey = 'sk-embeddings-upstream-secret';

let upstream: Emulator;
let sluice: RunningSluice;
let admin: AdminCall;

beforeAll(async () => {
  upstream = await startOpenAiEmbeddings();
  const yaml = `
admin_key: ${adminKey}
channels:
  - name: embed
    type: openai
    base_url: ${upstream.url}
    api_key: ${upstreamKey}
    models: [text-embedding-3-small]
    overrides: { dimensions: 256, user: null, extra: { tenant: green } }
    headers: { X-Tenant: blue }
    debug: true
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'embeddings-preparation.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  admin = createAdminClient(sluice.url, adminKey);
});

afterAll(async () => {
  await sluice.close();
  await upstream.close();
});

describe('an embeddings request through a channel with overrides, headers and debug', () => {
  it('sends the patched body and the extra headers, and captures the exchange', async () => {
    const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const { data, response } = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float', user: 'someone' }).withResponse();
    expect(data.data[0]?.embedding).toEqual([0.25, -0.5, 0.125]);

    const received = upstream.received.at(-1);
    expect(received?.body).toEqual({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float', dimensions: 256, extra: { tenant: 'green' } });
    expect(received?.headers['x-tenant']).toBe('blue');

    const requestId = response.headers.get('x-request-id') ?? '';
    const detail = await eventually(
      () => admin('GET', `/logs/${requestId}`),
      (answer) => answer.status === 200,
    );
    expect(detail.body).toMatchObject({ captured: true });
    const [exchange] = detail.body.capture.attempts;
    expect(exchange.request_body).toBe(received?.rawBody);
    // A custom header's value is a secret unless its name is on the safe list (docs/security.md#secrets).
    expect(exchange.request_headers).toMatchObject({ authorization: '***', 'X-Tenant': '***' });
    expect(exchange).toMatchObject({ url: `${upstream.url}/embeddings`, status: 200, truncated: false });
    expect(JSON.parse(String(exchange.response_body))).toMatchObject({ object: 'list', model: 'text-embedding-3-small' });
    expect(JSON.parse(String(detail.body.capture.client_request))).toMatchObject({ input: 'hello', user: 'someone' });
    expect(JSON.stringify(detail.body.capture)).not.toContain(upstreamKey);
  });
});
