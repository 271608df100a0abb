// Issue 6, debug capture: a streamed request through a channel with `debug: true` whose upstream
// rejects stream_options is recorded with masked headers, the exact bodies sent (the retry without
// the stripped stream_options), the raw SSE transcript, and what the client got — shown by
// GET /admin/api/logs/:request_id.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startXaiEmulator, xaiModel, xaiStreamOptionsError, xaiText } from '../emulators/xai-rejects-stream-options.ts';
import { createAdminClient, type AdminCall } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-capture-tests';
const upstreamKey = 'xai-secret-key-for-capture';

let xai: Emulator;
let sluice: RunningSluice;
let admin: AdminCall;

beforeAll(async () => {
  xai = await startXaiEmulator();
  const yaml = `
admin_key: ${adminKey}
channels:
  - { name: xai, type: openai, base_url: ${xai.url}, api_key: ${upstreamKey}, models: [${xaiModel}], debug: true, headers: { X-Relay-Token: ${upstreamKey} } }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  admin = createAdminClient(sluice.url, adminKey);
});

afterAll(async () => {
  await sluice.close();
  await xai.close();
});

describe('a captured streaming request', () => {
  it('shows masked headers, the exact upstream bodies and the raw SSE transcript', async () => {
    const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: xaiModel, messages: [{ role: 'user', content: 'Say hello.' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe(xaiText);

    const detail = await admin('GET', `/logs/${response.headers.get('x-request-id') ?? ''}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ captured: true, adaptations: ['learned:stream_options=false', 'usage-counted-locally'] });
    const { capture } = detail.body;
    expect(JSON.stringify(capture)).not.toContain(upstreamKey);
    const [refused, answered] = capture.attempts;

    // The first try asked for usage and was refused in xAI's own words.
    expect(JSON.parse(String(refused.request_body))).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(refused).toMatchObject({ url: `${xai.url}/chat/completions`, status: 400, response_body: xaiStreamOptionsError, truncated: false });
    expect(refused.request_headers).toMatchObject({ authorization: '***', 'X-Relay-Token': '***', 'content-type': 'application/json' });

    // The retry is byte for byte what the upstream received: stream_options stripped.
    expect(answered.request_body).toBe(xai.received[1]?.rawBody);
    expect(JSON.parse(String(answered.request_body))).not.toHaveProperty('stream_options');
    expect(answered.request_headers.authorization).toBe('***');
    expect(answered.status).toBe(200);
    expect(answered.response_headers['content-type']).toBe('text/event-stream');
    expect(answered.response_body).toMatch(/^data: \{.*"content":"Hello"/);
    expect(String(answered.response_body).endsWith('data: [DONE]\n\n')).toBe(true);

    // The client's side: its request as sent, and the SSE Sluice wrote, usage chunk included.
    expect(JSON.parse(String(capture.client_request))).toMatchObject({ model: xaiModel, stream: true, stream_options: { include_usage: true } });
    expect(capture.client_response).toMatch(/"usage":\{"prompt_tokens":\d+/);
    expect(String(capture.client_response).endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
