// The exact response cache (docs/caching.md) through the official OpenAI SDK: an answer stored from
// one mode serves the other, with usage and `x-sluice-cache`; what is never stored; no-store and
// no-cache; the time to live; the bytes bound. The upstream counts the calls it gets.
import type OpenAI from 'openai';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletionsOnly, startEmulator, wantsStream, type Emulator } from '../emulators/emulator-server.ts';
import { jsonFrame, openAiDone } from '../emulators/sse-writer.ts';
import { answerFor, lastUserText, serveFault } from '../emulators/faulty-upstream.ts';
import { createAdminClient } from '../support/admin-client.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** "cut …" answers with finish_reason length, "fail …" with a 400; anything else answers normally. */
async function countingUpstream(): Promise<Emulator> {
  const emulator = await startEmulator(
    chatCompletionsOnly((request, response) => {
      const question = lastUserText(request);
      if (question.startsWith('fail')) return serveFault({ status: 400 }, request, response);
      if (question.startsWith('cut') && wantsStream(request)) {
        const chunk = (delta: object, finish: string | null) => jsonFrame({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(`${chunk({ role: 'assistant', content: 'Half an' }, null)}${chunk({}, 'length')}${openAiDone}`);
        return undefined;
      }
      if (question.startsWith('cut')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Half an' }, finish_reason: 'length' }], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }));
        return undefined;
      }
      return serveFault('ok', request, response);
    }),
  );
  cleanups.push(() => emulator.close());
  return emulator;
}

async function start(cache: string | undefined): Promise<{ upstream: Emulator; gateway: YamlGateway; client: OpenAI }> {
  const upstream = await countingUpstream();
  const yaml = [
    'listen: { host: 127.0.0.1, port: 0 }',
    'retry: { attempts: 1, base_ms: 10, max_ms: 100 }',
    'channels:',
    `  - { name: up, type: openai, base_url: "${upstream.url}", api_key: test-key, models: [m, other] }`,
    ...(cache === undefined ? [] : [`cache: ${cache}`]),
  ].join('\n');
  const gateway = await startYamlGateway(yaml);
  cleanups.push(() => gateway.close());
  return { upstream, gateway, client: gateway.client };
}

const ask = (question: string, extra: Record<string, unknown> = {}) => ({ model: 'm', messages: [{ role: 'user' as const, content: question }], temperature: 0, ...extra });

async function askPlain(client: OpenAI, question: string, options: { extra?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
  const { data, response } = await client.chat.completions.create({ ...ask(question, options.extra), stream: false }, { headers: options.headers ?? {} }).withResponse();
  return { content: data.choices[0]?.message.content, usage: data.usage, cache: response.headers.get('x-sluice-cache') };
}

async function askStream(client: OpenAI, question: string, includeUsage = true) {
  const { data, response } = await client.chat.completions.create({ ...ask(question), stream: true, stream_options: { include_usage: includeUsage } }).withResponse();
  let content = '';
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of data) {
    content += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage != null) usage = chunk.usage;
  }
  return { content, usage, cache: response.headers.get('x-sluice-cache') };
}

describe('the exact response cache', () => {
  it('serves a stored non-stream answer to a later streaming request, with usage, and counts it', async () => {
    const { upstream, gateway, client } = await start('{ ttl_s: 60 }');
    const first = await askPlain(client, 'q1');
    expect(first.cache).toBe('miss');
    const second = await askStream(client, 'q1');
    expect(upstream.received).toHaveLength(1);
    expect(second.cache).toBe('hit');
    expect(second.content).toBe(answerFor('q1'));
    expect(second.content).toBe(first.content);
    expect(second.usage).toEqual({ prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 });
    const third = await askPlain(client, 'q1');
    expect([third.cache, third.content, third.usage?.total_tokens]).toEqual(['hit', answerFor('q1'), 11]);
    expect(upstream.received).toHaveLength(1);
    const page = await (await fetch(`${gateway.url}/metrics`)).text();
    const samples = parsePrometheusTextFormat(page).find((family) => family.name === 'sluice_cache_requests_total')?.metrics ?? [];
    expect(Object.fromEntries(samples.map((sample) => [sample.labels?.result, sample.value]))).toEqual({ hit: '2', miss: '1' });
  });

  it('serves a streamed answer, stored once it ended, to later requests in either mode', async () => {
    const { upstream, client } = await start('{ ttl_s: 60 }');
    const streamed = await askStream(client, 'q2', false);
    expect([streamed.cache, streamed.content, streamed.usage]).toEqual([null, answerFor('q2'), undefined]);
    const plain = await askPlain(client, 'q2');
    expect([plain.cache, plain.content]).toEqual(['hit', answerFor('q2')]);
    // The client did not ask for usage in the stream: the stored answer has the usage Sluice counted.
    expect(plain.usage?.total_tokens).toBeGreaterThan(0);
    const again = await askStream(client, 'q2');
    expect([again.cache, again.content, again.usage?.total_tokens]).toEqual(['hit', answerFor('q2'), plain.usage?.total_tokens]);
    expect(upstream.received).toHaveLength(1);
  });

  it('keys by the fields that change the answer', async () => {
    const { upstream, client } = await start('{ ttl_s: 60 }');
    await askPlain(client, 'q1');
    await askPlain(client, 'q1', { extra: { temperature: 1 } });
    await askPlain(client, 'q1', { extra: { user: 'someone else' } });
    expect(upstream.received).toHaveLength(2);
  });

  it('neither reads nor stores with no-store; refreshes with no-cache', async () => {
    const { upstream, client } = await start('{ ttl_s: 60 }');
    const noStore = await askPlain(client, 'q1', { headers: { 'cache-control': 'no-store' } });
    expect(noStore.cache).toBeNull();
    expect((await askPlain(client, 'q1')).cache).toBe('miss');
    expect((await askPlain(client, 'q1', { headers: { 'cache-control': 'no-store' } })).cache).toBeNull();
    expect(upstream.received).toHaveLength(3);
    const refreshed = await askPlain(client, 'q1', { headers: { 'cache-control': 'no-cache' } });
    expect(refreshed.cache).toBe('miss');
    expect(upstream.received).toHaveLength(4);
    expect((await askPlain(client, 'q1')).cache).toBe('hit');
    expect(upstream.received).toHaveLength(4);
  });

  it('never stores an error, a truncated answer or n > 1', async () => {
    const { upstream, client } = await start('{ ttl_s: 60 }');
    for (let round = 0; round < 2; round += 1) {
      await expect(client.chat.completions.create({ ...ask('fail please'), stream: false })).rejects.toMatchObject({ status: 400 });
      expect((await askPlain(client, 'cut short')).cache).toBeNull();
      expect((await askPlain(client, 'several', { extra: { n: 2 } })).cache).toBeNull();
      expect((await askStream(client, 'cut streamed')).content).toBe('Half an');
    }
    expect((await askPlain(client, 'cut streamed')).cache).toBeNull();
    expect(upstream.received).toHaveLength(9);
  });

  it('forgets an answer after ttl_s', async () => {
    // 1 s, not less: on a loaded machine the two asks before the wait have taken a few hundred ms.
    const { upstream, client } = await start('{ ttl_s: 1 }');
    await askPlain(client, 'q1');
    expect((await askPlain(client, 'q1')).cache).toBe('hit');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await askPlain(client, 'q1')).cache).toBe('miss');
    expect(upstream.received).toHaveLength(2);
  });

  it('evicts the least recently used answer past max_bytes', async () => {
    // One stored answer is about 300 bytes of JSON: 500 holds one, not two.
    const { upstream, client } = await start('{ ttl_s: 60, max_bytes: 500 }');
    await askPlain(client, 'qa');
    expect((await askPlain(client, 'qa')).cache).toBe('hit');
    await askPlain(client, 'qb');
    expect((await askPlain(client, 'qa')).cache).toBe('miss');
    expect(upstream.received).toHaveLength(3);
  });

  it('caches only the models listed', async () => {
    const { upstream, client } = await start('{ ttl_s: 60, models: [other] }');
    await askPlain(client, 'q1');
    expect((await askPlain(client, 'q1')).cache).toBeNull();
    expect(upstream.received).toHaveLength(2);
  });
});

describe('a hit and the caller', () => {
  it('still checks the key and its models, and leaves a log row without an upstream attempt or tokens', async () => {
    const upstream = await countingUpstream();
    const adminKey = 'admin-key-for-the-cache-test';
    const yaml = [
      'listen: { host: 127.0.0.1, port: 0 }',
      `admin_key: ${adminKey}`,
      'keys: [{ name: app, key: app-key-123, models: [m] }, { name: narrow, key: narrow-key-123, models: [other] }]',
      'channels:',
      `  - { name: up, type: openai, base_url: "${upstream.url}", api_key: test-key, models: [m, other] }`,
      'cache: { ttl_s: 60 }',
    ].join('\n');
    const gateway = await startYamlGateway(yaml);
    cleanups.push(() => gateway.close());
    const app = gateway.client.withOptions({ apiKey: 'app-key-123' });
    expect((await askPlain(app, 'q1')).cache).toBe('miss');
    const { response } = await app.chat.completions.create({ ...ask('q1'), stream: false }).withResponse();
    expect(response.headers.get('x-sluice-cache')).toBe('hit');
    await expect(gateway.client.withOptions({ apiKey: 'narrow-key-123' }).chat.completions.create({ ...ask('q1'), stream: false })).rejects.toMatchObject({ status: 403 });
    await expect(gateway.client.withOptions({ apiKey: 'wrong' }).chat.completions.create({ ...ask('q1'), stream: false })).rejects.toMatchObject({ status: 401 });
    expect(upstream.received).toHaveLength(1);
    const requestId = response.headers.get('x-request-id') ?? '';
    const admin = createAdminClient(gateway.url, adminKey);
    let row = await admin('GET', `/logs/${requestId}`);
    for (let tries = 0; row.status === 404 && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = await admin('GET', `/logs/${requestId}`);
    }
    expect(row.body).toMatchObject({ request_id: requestId, key: 'app', status: 200, attempts: [], adaptations: ['cache-hit'], prompt_tokens: null, completion_tokens: null });
  });
});
