// POST /v1/moderations, /v1/rerank and /v1/images/generations with the official SDK through Sluice
// (issue 18, docs/endpoints.md), against upstreams that answer as OpenAI and vLLM do
// (test/emulators/endpoint-upstreams.ts): failover before the first byte for each, an upstream's 404
// for the rerank path learned (that channel left out, the next tried), the rerank path per channel,
// a TEI reranker's 422 asking for `texts` learned (the same call sent again with them),
// endpoint_not_served for an Anthropic-only model, bad bodies refused before anything is relayed,
// the key's allow-list, units against tpm, the log row and metrics naming the endpoint.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startOpenAiEndpoints, startOverloaded, startTeiRerank, startVllmRerank, tinyPngBase64 } from '../emulators/endpoint-upstreams.ts';
import { createAdminClient, eventually, type AdminCall } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-endpoint-tests';
const appKey = 'sk-app-endpoints-0123456789';
const narrowKey = 'sk-narrow-endpoints-0123456789';
const meteredKey = 'sk-metered-endpoints-0123456789';

let busy: Emulator;
let openai: Emulator;
let vllm: Emulator;
let tei: Emulator;
let sluice: RunningSluice;
let client: OpenAI;
let admin: AdminCall;

beforeAll(async () => {
  [busy, openai, vllm, tei] = await Promise.all([startOverloaded(), startOpenAiEndpoints(), startVllmRerank('/rerank'), startTeiRerank()]);
  const vllmRoot = vllm.url.replace(/\/v1$/, '');
  const yaml = `
admin_key: ${adminKey}
keys:
  - { name: app, key: ${appKey} }
  - { name: narrow, key: ${narrowKey}, models: [omni-moderation-latest] }
  - { name: metered, key: ${meteredKey}, models: [dall-e-3], tpm: 1500 }
units: { image: 500, request: 3 }
retry: { attempts: 1, base_ms: 1, max_ms: 5 }
channels:
  - { name: busy, type: openai, base_url: ${busy.url}, api_key: sk-busy, models: [omni-moderation-latest, gpt-image-1, bge-reranker-v2-m3], priority: 0 }
  - { name: openai, type: openai, base_url: ${openai.url}, api_key: sk-openai, models: [omni-moderation-latest, gpt-image-1, dall-e-3, bge-reranker-v2-m3], priority: 1 }
  - { name: vllm, type: openai, base_url: ${vllm.url}, api_key: sk-vllm, models: [bge-reranker-v2-m3], priority: 2, paths: { rerank: "${vllmRoot}/rerank" } }
  - { name: tei, type: openai, base_url: ${tei.url}, models: [bge-reranker-large], paths: { rerank: "${tei.url.replace(/\/v1$/, '')}/rerank" } }
  - { name: claude, type: anthropic, api_key: sk-ant, models: [claude-sonnet-4] }
  - { name: tiny, type: openai, base_url: ${openai.url}, api_key: sk-tiny, models: [dall-e-2], priority: 0, limits: { upstream_body_bytes: 200 } }
  - { name: roomy, type: openai, base_url: ${openai.url}, api_key: sk-roomy, models: [dall-e-2], priority: 1 }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'endpoints.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: appKey, maxRetries: 0 });
  admin = createAdminClient(sluice.url, adminKey);
});

afterAll(async () => {
  await sluice.close();
  await Promise.all([busy.close(), openai.close(), vllm.close(), tei.close()]);
});

const countAt = (emulator: Emulator, path: string): number => emulator.received.filter((request) => request.path === path).length;
const logRow = (id: string) => eventually(() => admin('GET', `/logs/${id}`), (answer) => answer.status === 200);
const rerank = (body: Record<string, unknown>) => client.post<Record<string, unknown>>('/rerank', { body }).withResponse();

describe('POST /v1/moderations', () => {
  it('fails over from a 503 to the next channel, routed as omni-moderation-latest when the body names no model', async () => {
    const { data, response } = await client.moderations.create({ input: ['I will kill the process', 'hello'] }).withResponse();
    expect(data.model).toBe('omni-moderation-latest');
    expect(data.results.map((result) => result.flagged)).toEqual([true, false]);
    expect(data.results[0]?.categories.violence).toBe(true);
    expect(response.headers.get('x-sluice-channel')).toBe('openai');
    expect(countAt(busy, '/v1/moderations')).toBe(1);
    expect(openai.received.at(-1)?.body).toEqual({ input: ['I will kill the process', 'hello'], model: 'omni-moderation-latest' });
    expect(openai.received.at(-1)?.headers.authorization).toBe('Bearer sk-openai');
    const row = await logRow(response.headers.get('x-request-id') ?? '');
    expect(row.body).toMatchObject({
      ingress: 'moderations',
      client_model: 'omni-moderation-latest',
      channel: 'openai',
      status: 200,
      attempts: [{ channel: 'busy', status: 503 }, { channel: 'openai', status: 200 }],
      // No tokens reported: the request's configured units (units.request).
      prompt_tokens: 3,
      usage_source: 'units',
    });
  });
});

describe('POST /v1/images/generations', () => {
  it('fails over from a 503 and relays b64_json images unchanged, with the upstream usage logged', async () => {
    const { data, response } = await client.images.generate({ model: 'gpt-image-1', prompt: 'a lighthouse at dusk', n: 2, size: '1024x1024', quality: 'low' }).withResponse();
    expect(data.data?.map((image) => image.b64_json)).toEqual([tinyPngBase64, tinyPngBase64]);
    expect(data.usage).toMatchObject({ input_tokens: 50, output_tokens: 2112 });
    expect(response.headers.get('x-sluice-channel')).toBe('openai');
    expect(countAt(busy, '/v1/images/generations')).toBe(1);
    expect(openai.received.at(-1)?.body).toEqual({ model: 'gpt-image-1', prompt: 'a lighthouse at dusk', n: 2, size: '1024x1024', quality: 'low' });
    const row = await logRow(response.headers.get('x-request-id') ?? '');
    expect(row.body).toMatchObject({ ingress: 'images.generations', status: 200, prompt_tokens: 50, completion_tokens: 2112, usage_source: 'upstream' });
  });

  it('relays url images as they came and counts units per image where the upstream reports no tokens', async () => {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- dall-e's response_format and style: still in the API reference, and what dall-e upstreams take
    const { data, response } = await client.images.generate({ model: 'dall-e-3', prompt: 'a red bicycle', response_format: 'url', style: 'natural' }).withResponse();
    expect(data.data).toEqual([{ url: 'https://images.example/img-0.png?sig=abc', revised_prompt: 'revised 0' }]);
    const row = await logRow(response.headers.get('x-request-id') ?? '');
    expect(row.body).toMatchObject({ ingress: 'images.generations', prompt_tokens: 500, completion_tokens: 0, usage_source: 'units' });
  });

  it("holds an image answer to the channel's limits.upstream_body_bytes, and fails over when it is larger", async () => {
    const { data, response } = await client.images.generate({ model: 'dall-e-2', prompt: 'two cats', n: 3 }).withResponse();
    expect(data.data).toHaveLength(3);
    expect(response.headers.get('x-sluice-channel')).toBe('roomy');
    const row = await logRow(response.headers.get('x-request-id') ?? '');
    expect(row.body).toMatchObject({ attempts: [{ channel: 'tiny', error_code: 'upstream_body_too_large' }, { channel: 'roomy', status: 200 }] });
  });

  it('counts the units against the key tpm: a second request over it is refused with 429 before it is relayed', async () => {
    const metered = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: meteredKey, maxRetries: 0 });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- dall-e's response_format and style: still in the API reference, and what dall-e upstreams take
    await metered.images.generate({ model: 'dall-e-3', prompt: 'one', n: 2, response_format: 'url' });
    const relayed = countAt(openai, '/v1/images/generations');
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- dall-e's response_format and style: still in the API reference, and what dall-e upstreams take
    await expect(metered.images.generate({ model: 'dall-e-3', prompt: 'two', n: 2, response_format: 'url' })).rejects.toMatchObject({ status: 429 });
    expect(countAt(openai, '/v1/images/generations')).toBe(relayed);
  });
});

describe('POST /v1/rerank', () => {
  it('fails over past a 503 and a 404 for the path (learned), to the vLLM channel at its configured path, normalized', async () => {
    const documents = ['berlin is big', 'paris in spring', { text: 'rome' }];
    const { data, response } = await rerank({ model: 'bge-reranker-v2-m3', query: 'paris', documents, top_n: 2, return_documents: true });
    expect(data).toEqual({
      id: 'rerank-8f3b2c',
      model: 'bge-reranker-v2-m3',
      results: [
        { index: 1, relevance_score: 0.99853515625, document: { text: 'paris in spring' } },
        { index: 0, relevance_score: 0.0001, document: { text: 'berlin is big' } },
      ],
      usage: { prompt_tokens: 21, total_tokens: 21 },
    });
    expect(vllm.received.at(-1)?.path).toBe('/rerank');
    expect(vllm.received.at(-1)?.body).toEqual({ model: 'bge-reranker-v2-m3', query: 'paris', documents, top_n: 2, return_documents: true });
    expect(countAt(openai, '/v1/rerank')).toBe(1);
    const row = await logRow(response.headers.get('x-request-id') ?? '');
    expect(row.body).toMatchObject({
      ingress: 'rerank',
      channel: 'vllm',
      attempts: [{ channel: 'busy', status: 503 }, { channel: 'openai', status: 404 }, { channel: 'vllm', status: 200 }],
      adaptations: ['learned:unsupported=rerank'],
      prompt_tokens: 21,
      usage_source: 'upstream',
    });

    // Learned: the next rerank call leaves the channel that 404'd out.
    await rerank({ model: 'bge-reranker-v2-m3', query: 'rome', documents: ['rome'], return_documents: false });
    expect(countAt(openai, '/v1/rerank')).toBe(1);
    expect(vllm.received.filter((request) => request.path === '/rerank')).toHaveLength(2);
  });

  it("sends a TEI reranker the documents as `texts` once its 422 says so, learned for the next calls", async () => {
    const { data, response } = await rerank({ model: 'bge-reranker-large', query: 'paris', documents: ['berlin is big', { text: 'paris in spring' }], top_n: 1, return_documents: true });
    expect(data).toEqual({ model: 'bge-reranker-large', results: [{ index: 1, relevance_score: 0.9988, document: { text: 'paris in spring' } }] });
    // The first try as every reranker gets it, refused; the same channel again with `texts`.
    expect(tei.received.map((request) => request.body)).toEqual([
      { model: 'bge-reranker-large', query: 'paris', documents: ['berlin is big', { text: 'paris in spring' }], top_n: 1, return_documents: true },
      { model: 'bge-reranker-large', query: 'paris', texts: ['berlin is big', 'paris in spring'], top_n: 1, return_documents: true },
    ]);
    const row = await logRow(response.headers.get('x-request-id') ?? '');
    expect(row.body).toMatchObject({ channel: 'tei', attempts: [{ channel: 'tei', status: 422 }, { channel: 'tei', status: 200 }], adaptations: ['learned:rerank_texts=true'] });
    const learned = (await admin('GET', '/capabilities')).body as { data: { channel: string; model: string; rerank_texts?: boolean }[] };
    expect(learned.data.find((entry) => entry.channel === 'tei')).toMatchObject({ model: 'bge-reranker-large', rerank_texts: true });

    // Learned: the next call sends `texts` at once, one upstream request.
    const next = await rerank({ model: 'bge-reranker-large', query: 'rome', documents: ['rome'] });
    expect(next.data).toEqual({ model: 'bge-reranker-large', results: [{ index: 0, relevance_score: 0.9988 }] });
    expect(tei.received).toHaveLength(3);
    expect(tei.received.at(-1)?.body).toEqual({ model: 'bge-reranker-large', query: 'rome', texts: ['rome'] });
  });

  it('answers endpoint_not_served when the only channel of the model 404s the path, and /v1/models stops listing it there', async () => {
    const before = (await client.models.retrieve('dall-e-3')) as unknown as { endpoints: string[] };
    expect(before.endpoints).toContain('rerank');
    await expect(rerank({ model: 'dall-e-3', query: 'q', documents: ['d'] })).rejects.toMatchObject({ status: 400, code: 'endpoint_not_served' });
    const after = (await client.models.retrieve('dall-e-3')) as unknown as { endpoints: string[] };
    expect(after.endpoints).not.toContain('rerank');
    expect(after.endpoints).toContain('images.generations');
  });
});

describe('every endpoint', () => {
  it('answers 400 endpoint_not_served for a model only an Anthropic channel serves, relaying nothing', async () => {
    const relayed = openai.received.length + busy.received.length + vllm.received.length;
    await expect(client.moderations.create({ model: 'claude-sonnet-4', input: 'hi' })).rejects.toMatchObject({ status: 400, code: 'endpoint_not_served', param: 'model' });
    await expect(client.images.generate({ model: 'claude-sonnet-4', prompt: 'x' })).rejects.toMatchObject({ status: 400, code: 'endpoint_not_served' });
    await expect(rerank({ model: 'claude-sonnet-4', query: 'q', documents: ['d'] })).rejects.toMatchObject({ status: 400, code: 'endpoint_not_served' });
    expect(openai.received.length + busy.received.length + vllm.received.length).toBe(relayed);
  });

  it('refuses bad bodies with 400 naming the field, before anything is relayed', async () => {
    const relayed = openai.received.length + busy.received.length + vllm.received.length;
    const refusals: Array<[() => Promise<unknown>, string]> = [
      [() => client.images.generate({ model: 'gpt-image-1', prompt: 'x', n: 11 }), 'n'],
      [() => client.images.generate({ model: 'gpt-image-1', prompt: 'x', n: 0 }), 'n'],
       
      [() => client.images.generate({ model: 'gpt-image-1', prompt: 'x', response_format: 'png' } as unknown as OpenAI.ImageGenerateParamsNonStreaming), 'response_format'],
      [() => client.images.generate({ model: 'gpt-image-1', prompt: 'x', size: 'large' }), 'size'],
      [() => client.images.generate({ model: 'gpt-image-1' } as { model: string; prompt: string }), 'prompt'],
      [() => client.moderations.create({ input: 5 as unknown as string }), 'input'],
      [() => client.moderations.create({ input: [] }), 'input'],
      [() => rerank({ model: 'bge-reranker-v2-m3', query: 'q', documents: [] }), 'documents'],
      [() => rerank({ model: 'bge-reranker-v2-m3', documents: ['d'] }), 'query'],
      [() => rerank({ model: 'bge-reranker-v2-m3', query: 'q', documents: [{ title: 'no text' }] }), 'documents[0].text'],
      [() => rerank({ model: 'bge-reranker-v2-m3', query: 'q', documents: ['d'], top_n: 0 }), 'top_n'],
    ];
    for (const [call, param] of refusals) {
      await expect(call(), param).rejects.toMatchObject({ status: 400, param });
    }
    expect(openai.received.length + busy.received.length + vllm.received.length).toBe(relayed);
  });

  it("refuses a model outside the key's allow-list with 403, relaying nothing", async () => {
    const narrow = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: narrowKey, maxRetries: 0 });
    const relayed = openai.received.length + busy.received.length + vllm.received.length;
    await expect(narrow.images.generate({ model: 'gpt-image-1', prompt: 'x' })).rejects.toMatchObject({ status: 403, code: 'model_not_allowed' });
    await expect(narrow.post('/rerank', { body: { model: 'bge-reranker-v2-m3', query: 'q', documents: ['d'] } })).rejects.toMatchObject({ status: 403 });
    expect(openai.received.length + busy.received.length + vllm.received.length).toBe(relayed);
    // Its own model goes through.
    const allowed = await narrow.moderations.create({ input: 'fine' });
    expect(allowed.results).toHaveLength(1);
  });

  it('lists per model the endpoints its channels serve, and counts requests by endpoint in /metrics', async () => {
    const models = (await client.models.list()).data as unknown as Array<{ id: string; endpoints: string[] }>;
    const endpointsOf = (id: string) => models.find((model) => model.id === id)?.endpoints;
    expect(endpointsOf('claude-sonnet-4')).toEqual(['chat.completions', 'responses', 'messages']);
    expect(endpointsOf('gpt-image-1')).toEqual(expect.arrayContaining(['embeddings', 'images.generations', 'moderations', 'rerank']));
    const metrics = await (await fetch(`${sluice.url}/metrics`)).text();
    expect(metrics).toMatch(/sluice_ingress_requests_total\{ingress="rerank"\} [1-9]/);
    expect(metrics).toMatch(/sluice_ingress_responses_total\{ingress="images.generations",status="200"\} [1-9]/);
    expect(metrics).toMatch(/sluice_ingress_duration_seconds_count\{ingress="moderations"\} [1-9]/);
  });
});
