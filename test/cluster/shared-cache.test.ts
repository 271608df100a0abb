// The exact response cache in Redis (docs/caching.md "Redis") under two Sluice instances on one
// PostgreSQL and one real redis-server, through the official OpenAI SDK: an answer stored by one
// instance is the other's hit (in the other mode); entries are compressed, namespaced under the key
// prefix by the request's hash, with the ttl as Redis's PX; an answer past max_entry_bytes is not
// stored; with Redis killed every request is still answered, without the cache, and counted.
import { createClient, RESP_TYPES } from '@redis/client';
import type OpenAI from 'openai';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCompletionsOnly, startEmulator, type Emulator } from '../emulators/emulator-server.ts';
import { answerFor, serveFault } from '../emulators/faulty-upstream.ts';
import { createDatabase, patientRedisPolicy, startCluster, type Cluster, type Instance } from './start-cluster.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const apiKey = 'sk-cluster-shared-cache';

let redis: RedisServer;
let upstream: Emulator;
let cluster: Cluster;

beforeAll(async () => {
  redis = await startRedis();
  upstream = await startEmulator(chatCompletionsOnly((request, response) => serveFault('ok', request, response)));
  const storeUrl = await createDatabase(`sluice_cluster_cache_${String(process.pid)}`);
  cluster = await startCluster(`
store: ${storeUrl}
redis: ${redis.url}
redis_key_prefix: "cachetest:"
keys:
  - { name: app, key: ${apiKey} }
channels:
  - { name: up, type: openai, base_url: "${upstream.url}", api_key: test-key, models: [m] }
cache: { ttl_s: 60, max_entry_bytes: 2000 }
`, 2, apiKey, { redisClientPolicy: patientRedisPolicy });
});

afterAll(async () => {
  await cluster.close();
  await upstream.close();
  await redis.stop();
});

const ask = (question: string) => ({ model: 'm', messages: [{ role: 'user' as const, content: question }] });

async function askPlain(client: OpenAI, question: string) {
  const { data, response } = await client.chat.completions.create({ ...ask(question), stream: false }).withResponse();
  return { content: data.choices[0]?.message.content, usage: data.usage, cache: response.headers.get('x-sluice-cache') };
}

async function askStream(client: OpenAI, question: string) {
  const { data, response } = await client.chat.completions.create({ ...ask(question), stream: true, stream_options: { include_usage: true } }).withResponse();
  let content = '';
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of data) {
    content += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage != null) usage = chunk.usage;
  }
  return { content, usage, cache: response.headers.get('x-sluice-cache') };
}

async function samplesOf(instance: Instance, name: string, label: string): Promise<Record<string, number>> {
  const page = await (await fetch(`${instance.sluice.url}/metrics`)).text();
  const samples = parsePrometheusTextFormat(page).find((family) => family.name === name)?.metrics ?? [];
  return Object.fromEntries(samples.map((sample) => [sample.labels?.[label] ?? '', Number(sample.value)]));
}

describe('the response cache in Redis under two instances', () => {
  it('serves the answer one instance stored as the other\'s hit, in the other mode, from a compressed entry with the ttl as PX', async () => {
    const [first, second] = cluster.instances as [Instance, Instance];
    const question = `q1 ${'with some context that repeats, '.repeat(10)}`;
    const stored = await askPlain(first.client, question);
    expect([stored.cache, stored.content]).toEqual(['miss', answerFor(question)]);
    const hit = await askStream(second.client, question);
    expect([hit.cache, hit.content]).toEqual(['hit', answerFor(question)]);
    expect(hit.usage).toEqual(stored.usage);
    expect((await askPlain(first.client, question)).cache).toBe('hit');
    expect(upstream.received).toHaveLength(1);
    expect(await samplesOf(second, 'sluice_cache_requests_total', 'result')).toMatchObject({ hit: 1 });

    const inspector = createClient({ url: redis.url }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    await inspector.connect();
    try {
      const keys = await inspector.keys('cachetest:cache:*');
      expect(keys).toHaveLength(1);
      const key = String(keys[0]);
      expect(key).toMatch(/^cachetest:cache:v1:[\da-f]{64}$/);
      const ttl = await inspector.pTTL(key);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      const bytes = (await inspector.get(key)) ?? Buffer.alloc(0);
      // Compressed: neither the question nor the answer can be read in Redis, and the JSON is larger.
      expect(bytes.toString('latin1')).not.toContain('repeats');
      const json = brotliDecompressSync(bytes).toString();
      expect(json).toContain(answerFor(question));
      expect(json.length).toBeGreaterThan(bytes.length);
    } finally {
      await inspector.close();
    }
  });

  it('does not store an answer larger than max_entry_bytes', async () => {
    const [first, second] = cluster.instances as [Instance, Instance];
    const before = upstream.received.length;
    const question = `long ${'x'.repeat(2500)}`;
    expect((await askPlain(first.client, question)).cache).toBeNull();
    const again = await askPlain(second.client, question);
    expect([again.cache, again.content]).toEqual([null, answerFor(question)]);
    expect(upstream.received.length - before).toBe(2);
  });

  it('answers every request without the cache while Redis is down, and counts it', async () => {
    const [first, second] = cluster.instances as [Instance, Instance];
    await redis.kill();
    const before = upstream.received.length;
    for (const instance of [first, second, first, second]) {
      const started = performance.now();
      const answer = await askPlain(instance.client, 'q1 while down');
      expect([answer.cache, answer.content]).toEqual([null, answerFor('q1 while down')]);
      expect(performance.now() - started).toBeLessThan(5000);
    }
    const streamed = await askStream(second.client, 'q1 while down');
    expect([streamed.cache, streamed.content]).toEqual([null, answerFor('q1 while down')]);
    expect(upstream.received.length - before).toBe(5);
    for (const instance of [first, second]) {
      expect((await samplesOf(instance, 'sluice_cache_requests_total', 'result')).unavailable).toBeGreaterThanOrEqual(2);
      expect((await samplesOf(instance, 'sluice_shared_state_degraded_total', 'what')).cache).toBeGreaterThanOrEqual(2);
    }
  });
});
