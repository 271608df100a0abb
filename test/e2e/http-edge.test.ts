// The HTTP edge with real sockets: bad input gets a clear 4xx in the OpenAI shape, upstream
// failures keep the upstream's words, streams end cleanly, and a client that leaves stops the upstream.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { chatCompletionsOnly, startEmulator, type Emulator } from '../emulators/emulator-server.ts';

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

let upstream: Emulator;
let sluice: RunningSluice;
let upstreamClosed = 0;

beforeAll(async () => {
  upstream = await startEmulator(
    chatCompletionsOnly((request, response) => {
      const model = request.body?.model;
      if (model === 'fails-500') {
        // Go's net/http text for a handler that over-wrote its Content-Length (seed problem 5).
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('http: wrote more than the declared Content-Length\n');
      } else if (model === 'html-502') {
        response.writeHead(502, { 'content-type': 'text/html' });
        response.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      } else if (model === 'breaks-mid-stream') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(chunk({ role: 'assistant', content: 'Hello' }));
        response.end('data: {"error":{"message":"stream failed after output","type":"server_error","param":null,"code":null}}\n\ndata: [DONE]\n\n');
      } else if (model === 'cut-off') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(chunk({ role: 'assistant', content: 'Hel' }));
        setTimeout(() => response.destroy(), 20);
      } else if (model === 'never-ends') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(chunk({ role: 'assistant', content: 'tick' }));
        response.on('close', () => (upstreamClosed += 1));
      } else {
        // Headers a proxy must never copy: the body the client gets is the one Sluice wrote.
        const body = JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'up', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] });
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-upstream-secret': 'leak', 'keep-alive': 'timeout=5' });
        response.end(body);
      }
    }),
  );
  const config = parseConfig(
    [
      'keys:',
      '  - { name: app, key: sk-test, models: ["*"] }',
      '  - { name: narrow, key: sk-narrow, models: ["plain"] }',
      'limits: { body_bytes: 4096 }',
      'channels:',
      '  - name: up',
      '    type: openai',
      `    base_url: ${upstream.url}`,
      '    api_key: upstream-key',
      '    models: [plain, fails-500, html-502, breaks-mid-stream, cut-off, never-ends]',
    ].join('\n'),
    { file: 'test.yaml', env: {} },
  );
  sluice = await startSluice(config, { port: 0, store: 'sqlite::memory:' });
});

afterAll(async () => {
  await sluice.close();
  await upstream.close();
});

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json', ...headers }, body });

const messages = [{ role: 'user', content: 'hi' }];

async function expectError(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  const body = (await response.json()) as { error: Record<string, unknown> };
  expect(body.error).toMatchObject({ code, type: expect.any(String), message: expect.any(String) });
  expect(body.error).toHaveProperty('param');
  return body.error;
}

describe('bad input', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    await expectError(await post('{"model": "plain", '), 400, 'invalid_json');
  });

  it('answers a wrong type with 400 naming the field', async () => {
    const error = await expectError(await post(JSON.stringify({ model: 'plain', messages, max_tokens: 'many' })), 400, 'invalid_request');
    expect(error.param).toBe('max_tokens');
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    await expectError(await post(JSON.stringify({ model: 'gpt-9', messages })), 404, 'model_not_found');
  });

  it('answers a missing or wrong key with 401', async () => {
    await expectError(await post(JSON.stringify({ model: 'plain', messages }), { authorization: '' }), 401, 'missing_api_key');
    await expectError(await post(JSON.stringify({ model: 'plain', messages }), { authorization: 'Bearer nope' }), 401, 'invalid_api_key');
  });

  it('leaves a log row for a request refused before any route ran', async () => {
    const response = await post(JSON.stringify({ model: 'plain', messages }), { authorization: 'Bearer wrong-key' });
    const requestId = response.headers.get('x-request-id') ?? '';
    await sluice.services.logWriter.flush();
    expect(await sluice.services.store.requestLogs.get(requestId)).toMatchObject({ requestId, status: 401, errorCode: 'invalid_api_key' });
  });

  it('answers a model the key may not use with 403', async () => {
    await expectError(await post(JSON.stringify({ model: 'fails-500', messages }), { authorization: 'Bearer sk-narrow' }), 403, 'model_not_allowed');
  });

  it('answers a body over the limit with 413', async () => {
    await expectError(await post(JSON.stringify({ model: 'plain', messages: [{ role: 'user', content: 'x'.repeat(5000) }] })), 413, 'body_too_large');
  });

  it('answers an unknown route with 404 in the same shape', async () => {
    await expectError(await fetch(`${sluice.url}/v1/nothing`, { headers: { authorization: 'Bearer sk-test' } }), 404, 'route_not_found');
  });

  it('accepts a body sent without a content-type', async () => {
    const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-test' }, body: JSON.stringify({ model: 'plain', messages }) });
    expect(response.status).toBe(200);
  });
});

describe('upstream failures', () => {
  it("shows a plain-text 500 in the upstream's own words", async () => {
    const error = await expectError(await post(JSON.stringify({ model: 'fails-500', messages })), 502, 'upstream_error');
    expect(error).toMatchObject({ message: 'up answered HTTP 500: http: wrote more than the declared Content-Length', channel: 'up', upstream_status: 500 });
  });

  it('shows the title of an HTML error page', async () => {
    const error = await expectError(await post(JSON.stringify({ model: 'html-502', messages })), 502, 'upstream_error');
    expect(error.message).toContain('502 Bad Gateway');
  });

  it('never copies upstream framing or hop-by-hop headers', async () => {
    const response = await post(JSON.stringify({ model: 'plain', messages }));
    const text = await response.text();
    expect(response.headers.get('x-upstream-secret')).toBeNull();
    expect(response.headers.get('keep-alive')).not.toBe('timeout=5');
    const length = response.headers.get('content-length');
    if (length !== null) expect(Number(length)).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text)).toMatchObject({ model: 'plain', choices: [{ message: { content: 'ok' } }] });
  });
});

describe('streams after the commit point', () => {
  it('ends with an in-band error event and [DONE] when the upstream fails mid-stream', async () => {
    const response = await post(JSON.stringify({ model: 'breaks-mid-stream', messages, stream: true }));
    expect(response.status).toBe(200);
    const text = await response.text();
    const events = text.split('\n\n').filter((event) => event !== '');
    expect(events.at(-1)).toBe('data: [DONE]');
    const error = JSON.parse(events.at(-2)!.slice('data: '.length)) as { error: { message: string; code: string } };
    expect(error.error.code).toBe('upstream_stream_error');
    expect(error.error.message).toContain('stream failed after output');
  });

  it('reports a stream the upstream cut off, never a silent truncation', async () => {
    const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'cut-off', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const part of stream) seen.push(part.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow(/ended its stream before a finish_reason|could not be reached|socket/i);
    expect(seen.join('')).toBe('Hel');
  });

  it('aborts the upstream call when the client goes away', async () => {
    const response = await post(JSON.stringify({ model: 'never-ends', messages, stream: true }));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    const deadline = Date.now() + 3000;
    while (upstreamClosed === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(upstreamClosed).toBe(1);
  });
});

describe('other endpoints', () => {
  it('lists each model once with capabilities', async () => {
    const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((model) => model.id)).toEqual(['plain', 'fails-500', 'html-502', 'breaks-mid-stream', 'cut-off', 'never-ends']);
    expect(models[0]).toMatchObject({ object: 'model', owned_by: 'up', capabilities: { stream: 'native', non_stream: 'native', stream_options: true } });
  });

  it('answers /healthz with a request id', async () => {
    const response = await fetch(`${sluice.url}/healthz`);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });
});
