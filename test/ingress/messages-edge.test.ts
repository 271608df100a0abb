// POST /v1/messages at the HTTP edge: the routes with and without `?beta=true`, a key as `x-api-key`
// or Bearer, and every error in Anthropic's shape (docs/ingress-protocols.md §A6), those raised before
// the handler too: a bad key (401), an unknown path (404), a body too large (413), malformed JSON,
// a key's rate limit (429 with retry-after), an overloaded upstream (529).
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicEmulator } from '../emulators/anthropic-messages.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const key = 'sk-messages';
const limitedKey = 'sk-limited';
const hello = { model: 'echo', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hello there' }] };

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  const response = await fetch(url, { method: init.method ?? 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...init.headers }, ...(init.body === undefined ? {} : { body: init.body }), signal: AbortSignal.timeout(10_000) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

function expectAnthropicError(answer: Answer, status: number, type: string): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ type: 'error', error: { type, message: expect.any(String), hint: expect.any(String) }, request_id: answer.headers.get('x-request-id') });
}

describe('/v1/messages at the HTTP edge', () => {
  let anthropic: Emulator;
  let gateway: YamlGateway;
  beforeAll(async () => {
    anthropic = await startAnthropicEmulator();
    gateway = await startYamlGateway(
      [
        'limits: { body_bytes: 20000 }',
        'keys:',
        `  - { name: app, key: ${key}, models: ["*"] }`,
        `  - { name: limited, key: ${limitedKey}, models: ["*"], rpm: 1 }`,
        'channels:',
        '  - { name: echo, type: echo, models: [echo] }',
        `  - { name: claude, type: anthropic, base_url: "${anthropic.url.replace(/\/v1$/, '')}", api_key: test-key, models: [claude-overloaded], retry: { attempts: 1 } }`,
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await gateway.close();
    await anthropic.close();
  });

  it('answers with the key as x-api-key or as a Bearer token, with and without ?beta=true', async () => {
    for (const [path, headers] of [
      ['/v1/messages', { 'x-api-key': key }],
      ['/v1/messages?beta=true', { 'x-api-key': key }],
      ['/v1/messages', { authorization: `Bearer ${key}` }],
      ['/v1/messages?beta=true', { authorization: `Bearer ${key}`, 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' }],
    ] as const) {
      const answer = await call(`${gateway.url}${path}`, { headers, body: JSON.stringify(hello) });
      expect(answer.status, path).toBe(200);
      expect(answer.body).toMatchObject({ type: 'message', role: 'assistant', model: 'echo', content: [{ type: 'text', text: 'hello there' }] });
    }
  });

  it('refuses a wrong key, a missing key and an unknown path in Anthropic shape', async () => {
    expectAnthropicError(await call(`${gateway.url}/v1/messages`, { headers: { 'x-api-key': 'sk-wrong' }, body: JSON.stringify(hello) }), 401, 'authentication_error');
    expectAnthropicError(await call(`${gateway.url}/v1/messages?beta=true`, { body: JSON.stringify(hello) }), 401, 'authentication_error');
    expectAnthropicError(await call(`${gateway.url}/v1/messages/batches`, { headers: { 'x-api-key': key }, body: JSON.stringify(hello) }), 404, 'not_found_error');
    expectAnthropicError(await call(`${gateway.url}/v1/messages`, { method: 'GET', headers: { 'x-api-key': key } }), 404, 'not_found_error');
  });

  it('refuses a body too large and malformed JSON in Anthropic shape', async () => {
    const big = { ...hello, messages: [{ role: 'user', content: 'x'.repeat(30_000) }] };
    expectAnthropicError(await call(`${gateway.url}/v1/messages`, { headers: { 'x-api-key': key }, body: JSON.stringify(big) }), 413, 'invalid_request_error');
    expectAnthropicError(await call(`${gateway.url}/v1/messages`, { headers: { 'x-api-key': key }, body: '{"model": "echo",' }), 400, 'invalid_request_error');
    const noMaxTokens = await call(`${gateway.url}/v1/messages`, { headers: { 'x-api-key': key }, body: JSON.stringify({ model: 'echo', messages: hello.messages }) });
    expectAnthropicError(noMaxTokens, 400, 'invalid_request_error');
    expect(noMaxTokens.body).toMatchObject({ error: { param: 'max_tokens' } });
  });

  it("answers a key's rate limit as 429 rate_limit_error with retry-after", async () => {
    const first = await call(`${gateway.url}/v1/messages`, { headers: { 'x-api-key': limitedKey }, body: JSON.stringify(hello) });
    expect(first.status).toBe(200);
    const second = await call(`${gateway.url}/v1/messages`, { headers: { 'x-api-key': limitedKey }, body: JSON.stringify(hello) });
    expectAnthropicError(second, 429, 'rate_limit_error');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it("answers an overloaded upstream as 529 overloaded_error, which the SDK reads as an APIError", async () => {
    expectAnthropicError(await call(`${gateway.url}/v1/messages`, { headers: { 'x-api-key': key }, body: JSON.stringify({ ...hello, model: 'claude-overloaded' }) }), 529, 'overloaded_error');
    const client = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });
    const refusal = await client.messages.create({ ...hello, model: 'claude-overloaded' }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Anthropic.APIError);
    expect(refusal).toMatchObject({ status: 529, error: { type: 'error', error: { type: 'overloaded_error' } } });
  });
});
