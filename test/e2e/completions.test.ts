// POST /v1/completions with the official SDK (`client.completions.create`), streamed and not, through
// Sluice to emulated upstreams of the legacy endpoint (test/emulators/openai-completions.ts): fill-in-
// the-middle fields passed through, failover before the first byte, the in-band error after the
// commit point, the `completions` capability learned from an upstream's 404, and the clear 400s.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startCompletionsUpstream } from '../emulators/openai-completions.ts';

let down: Emulator;
let up: Emulator;
let dies: Emulator;
let noCompletions: Emulator;
let vllm: Emulator;
let onlyChat: Emulator;
let azure: Emulator;
let oldRelay: Emulator;
let sluice: RunningSluice;
let client: OpenAI;
const adminKey = 'completions-admin-key-0123456789';

async function logRow(requestId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${sluice.url}/admin/api/logs/${requestId}`, { headers: { authorization: `Bearer ${adminKey}` } });
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  [down, up, dies, noCompletions, vllm, onlyChat, azure, oldRelay] = await Promise.all([
    startCompletionsUpstream({ failures: 1_000 }),
    startCompletionsUpstream(),
    startCompletionsUpstream({ behaviour: 'fails-after-commit' }),
    startCompletionsUpstream({ behaviour: 'no-completions' }),
    startCompletionsUpstream(),
    startCompletionsUpstream({ behaviour: 'no-completions' }),
    startCompletionsUpstream(),
    startCompletionsUpstream({ behaviour: 'rejects-stream-options' }),
  ]);
  const yaml = `
admin_key: ${adminKey}
retry: { attempts: 2, base_ms: 1, max_ms: 5 }
channels:
  - { name: down, type: openai, base_url: ${down.url}, api_key: sk-down, models: [instruct], priority: 0 }
  - { name: up, type: openai, base_url: ${up.url}, api_key: sk-up, models: [gpt-3.5-turbo-instruct], model_map: { instruct: gpt-3.5-turbo-instruct }, priority: 1 }
  - { name: dies, type: openai, base_url: ${dies.url}, api_key: sk-d, models: [flaky] }
  - { name: no-completions, type: openai, base_url: ${noCompletions.url}, api_key: sk-n, models: [coder], priority: 0 }
  - { name: vllm, type: openai, base_url: ${vllm.url}, models: [coder], priority: 1 }
  - { name: only-chat, type: openai, base_url: ${onlyChat.url}, api_key: sk-c, models: [chatty] }
  - { name: claude, type: anthropic, api_key: sk-ant, models: [claude-sonnet] }
  - { name: azure, type: azure, base_url: "${azure.url.replace(/\/v1$/, '')}", api_key: az-key, api_version: "2024-10-21", models: [instruct-deployment] }
  - { name: declared, type: openai, base_url: ${up.url}, api_key: sk-up, models: [legacy-off], capabilities: { "*": { completions: unsupported } } }
  - { name: ollama, type: ollama, base_url: "${vllm.url.replace(/\/v1$/, '')}", models: [qwen2.5-coder] }
  - { name: old-relay, type: openai, base_url: ${oldRelay.url}, api_key: sk-o, models: [old] }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'completions.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'x', maxRetries: 0 });
});

afterAll(async () => {
  await sluice.close();
  await Promise.all([down, up, dies, noCompletions, vllm, onlyChat, azure, oldRelay].map((emulator) => emulator.close()));
});

async function post(body: unknown): Promise<{ status: number; error: { message: string; param: string | null; code: string; type: string } }> {
  const response = await fetch(`${sluice.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, error: ((await response.json()) as { error: { message: string; param: string | null; code: string; type: string } }).error };
}

describe('POST /v1/completions', () => {
  it('fails over before the first byte and passes suffix, echo and logprobs through, under the client model name', async () => {
    const { data, response } = await client.completions.create({ model: 'instruct', prompt: 'def add(a, b):', suffix: '\n\nprint(add(1, 2))', echo: true, logprobs: 2, max_tokens: 8, stop: ['\n\n'] }).withResponse();
    expect(data).toMatchObject({ object: 'text_completion', model: 'instruct', id: 'cmpl-D8ZFlegacy', usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } });
    expect(data.choices[0]?.text).toBe('def add(a, b):The answer is 42');
    expect(data.choices[0]?.logprobs).toMatchObject({ tokens: ['The', ' answer', ' is', ' 42'], text_offset: [0, 3, 10, 13] });
    expect(Object.keys(data.choices[0]?.logprobs?.top_logprobs?.[0] ?? {})).toHaveLength(2);
    expect(down.received).toHaveLength(2);
    expect(up.received[0]?.path).toBe('/v1/completions');
    expect(up.received[0]?.headers.authorization).toBe('Bearer sk-up');
    expect(up.received[0]?.body).toEqual({ model: 'gpt-3.5-turbo-instruct', prompt: 'def add(a, b):', suffix: '\n\nprint(add(1, 2))', echo: true, logprobs: 2, max_tokens: 8, stop: ['\n\n'] });
    expect(response.headers.get('x-sluice-channel')).toBe('up');
    expect(response.headers.get('x-sluice-attempts')).toBe('3');
    expect(await logRow(response.headers.get('x-request-id') ?? '')).toMatchObject({
      ingress: 'completions',
      client_model: 'instruct',
      channel: 'up',
      status: 200,
      attempts: [{ channel: 'down', status: 503 }, { channel: 'down', status: 503 }, { channel: 'up', status: 200 }],
      prompt_tokens: 5,
      completion_tokens: 4,
      usage_source: 'upstream',
    });
  });

  it('streams text_completion chunks with the model name spliced, usage last when asked, then [DONE]', async () => {
    const stream = await client.completions.create({ model: 'instruct', prompt: ['Once upon'], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe('The answer is 42');
    expect(chunks.every((chunk) => chunk.model === 'instruct' && chunk.object === 'text_completion')).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
    const sent = up.received.at(-1)?.body;
    expect(sent).toMatchObject({ model: 'gpt-3.5-turbo-instruct', prompt: ['Once upon'], stream: true, stream_options: { include_usage: true } });
  });

  it('asks the upstream for usage without showing it to a client that did not ask', async () => {
    const response = await fetch(`${sluice.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: 'instruct', prompt: 'x', stream: true }) });
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('usage');
    expect(text.split('\n\n').filter((frame) => frame.startsWith('data: {'))).toHaveLength(4);
    expect(up.received.at(-1)?.body?.['stream_options']).toEqual({ include_usage: true });
  });

  it('ends a stream that fails after its first chunk with an in-band error event and [DONE]', async () => {
    const stream = await client.completions.create({ model: 'flaky', prompt: 'x', stream: true });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
      })(),
    ).rejects.toThrow(/engine died mid-generation/);
    expect(text).toBe('The answer');
    const rawResponse = await fetch(`${sluice.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: 'flaky', prompt: 'x', stream: true }) });
    const raw = await rawResponse.text();
    expect(await logRow(rawResponse.headers.get('x-request-id') ?? '')).toMatchObject({ ingress: 'completions', client_stream: true, error_code: 'upstream_stream_error' });
    const frames = raw.split('\n\n').filter((frame) => frame !== '');
    expect(JSON.parse(frames.at(-2)?.slice('data: '.length) ?? '')).toMatchObject({ error: { code: 'upstream_stream_error', type: 'server_error' } });
    expect(frames.at(-1)).toBe('data: [DONE]');
  });

  it("learns from an upstream's 404 that it does not serve the endpoint, and goes to the next channel then and after", async () => {
    const first = await client.completions.create({ model: 'coder', prompt: 'fn main() {' }).withResponse();
    expect(first.data.choices[0]?.text).toBe('The answer is 42');
    expect(first.response.headers.get('x-sluice-adaptations')).toContain('learned:completions=unsupported');
    const second = await client.completions.create({ model: 'coder', prompt: 'fn main() {', stream: true });
    for await (const chunk of second) expect(chunk.model).toBe('coder');
    expect(noCompletions.received).toHaveLength(1);
    expect(vllm.received).toHaveLength(2);
  });

  it('answers 400 naming the model when no channel serves the endpoint, learned or known', async () => {
    const anthropic = await post({ model: 'claude-sonnet', prompt: 'x' });
    expect(anthropic).toMatchObject({ status: 400, error: { code: 'endpoint_not_served', param: 'model', type: 'invalid_request_error' } });
    expect(anthropic.error.message).toContain("'claude-sonnet'");
    await expect(client.completions.create({ model: 'chatty', prompt: 'x' })).rejects.toMatchObject({ status: 400, code: 'endpoint_not_served' });
    const again = await post({ model: 'chatty', prompt: 'x' });
    expect(again).toMatchObject({ status: 400, error: { code: 'endpoint_not_served' } });
    expect(again.error.message).toContain("'chatty'");
    expect(onlyChat.received).toHaveLength(1);
    // Declared in the channel's config: never sent there.
    expect(await post({ model: 'legacy-off', prompt: 'x' })).toMatchObject({ status: 400, error: { code: 'endpoint_not_served' } });
    expect(up.received.some((request) => request.body?.['model'] === 'legacy-off')).toBe(false);
  });

  it('lists completions among the endpoints of /v1/models only where a channel serves it', async () => {
    const models = await fetch(`${sluice.url}/v1/models`).then(async (response) => (await response.json()) as { data: { id: string; endpoints?: string[] }[] });
    const endpointsOf = (id: string) => models.data.find((model) => model.id === id)?.endpoints ?? [];
    expect(endpointsOf('instruct')).toContain('completions');
    expect(endpointsOf('claude-sonnet')).not.toContain('completions');
    expect(endpointsOf('legacy-off')).not.toContain('completions');
  });

  it("uses Azure's deployment URL and api-key header", async () => {
    const result = await client.completions.create({ model: 'instruct-deployment', prompt: 'hello' });
    expect(result.choices[0]?.text).toBe('The answer is 42');
    expect(azure.received[0]?.path).toBe('/openai/deployments/instruct-deployment/completions?api-version=2024-10-21');
    expect(azure.received[0]?.headers['api-key']).toBe('az-key');
  });

  it("sends an Ollama channel's call to its OpenAI-compatible /v1/completions", async () => {
    const stream = await client.completions.create({ model: 'qwen2.5-coder', prompt: 'def fib(n):', suffix: '    return a', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('The answer is 42');
    const sent = vllm.received.at(-1);
    expect(sent?.path).toBe('/v1/completions');
    expect(sent?.body).toMatchObject({ model: 'qwen2.5-coder', prompt: 'def fib(n):', suffix: '    return a', stream: true });
  });

  it('learns that an upstream rejects stream_options and still gives usage, counted locally', async () => {
    const { data: stream, response } = await client.completions.create({ model: 'old', prompt: 'hello world', stream: true, stream_options: { include_usage: true } }).withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 } });
    expect(response.headers.get('x-sluice-adaptations')).toBe('learned:stream_options=false, usage-counted-locally');
    expect(oldRelay.received.map((request) => request.body?.['stream_options'])).toEqual([{ include_usage: true }, undefined]);
  });

  it('refuses bad bodies with 400s naming the field, before any upstream call', async () => {
    const calls = up.received.length + down.received.length;
    expect(await post({ model: 'instruct' })).toMatchObject({ status: 400, error: { param: 'prompt', code: 'invalid_request', message: "Missing required parameter: 'prompt'." } });
    expect(await post({ model: 'instruct', prompt: 'x', logprobs: 6 })).toMatchObject({ status: 400, error: { param: 'logprobs' } });
    expect(await post({ model: 'instruct', prompt: 'x', n: 0 })).toMatchObject({ status: 400, error: { param: 'n' } });
    await expect(client.completions.create({ model: 'instruct', prompt: 'x', logprobs: 6 })).rejects.toMatchObject({ status: 400, param: 'logprobs' });
    expect(up.received.length + down.received.length).toBe(calls);
  });

  it('labels the requests with their endpoint in the metrics', async () => {
    const metrics = await (await fetch(`${sluice.url}/metrics`)).text();
    expect(metrics).toMatch(/sluice_ingress_requests_total\{ingress="completions"\} [1-9]/);
  });
});
