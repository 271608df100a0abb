// Issue 15 item 2, shared verdicts (docs/deploy.md "Shared verdicts"): three instances on one
// PostgreSQL and a real redis-server. An upstream key refused on one instance is not tried by the
// others; one instance owns a channel's health check (the upstream gets one instance's pings, not
// three), and its verdict opens and closes every instance's circuit.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, patientRedisPolicy, startCluster, type Cluster, type Instance } from './start-cluster.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const apiKey = 'sk-cluster-verdicts';
const badKey = 'sk-upstream-revoked-0001';
const goodKey = 'sk-upstream-valid-0002';
const checkEveryMs = 100;

/** One upstream for every channel: refuses `badKey` as OpenAI does; `sick` answers 503 while `sick.failing`. */
interface Upstream {
  url: string;
  /** Calls by path prefix (`/sick`, `/well`, `/keys`), pings (health checks) apart. */
  calls: { bad: number; good: number; pings: number; sickClient: number; wellClient: number };
  failing: boolean;
  close(): Promise<void>;
}

async function startUpstream(): Promise<Upstream> {
  const state = { calls: { bad: 0, good: 0, pings: 0, sickClient: 0, wellClient: 0 }, failing: false };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    request.on('end', () => {
      const ping = (JSON.parse(body) as { max_tokens?: number }).max_tokens === 1;
      const path = request.url ?? '';
      const answer = (status: number, payload: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      if (path.startsWith('/keys')) {
        if (request.headers.authorization === `Bearer ${badKey}`) {
          state.calls.bad += 1;
          answer(401, { error: { message: 'Incorrect API key provided: sk-upstr****0001.', type: 'invalid_request_error', code: 'invalid_api_key' } });
          return;
        }
        state.calls.good += 1;
      } else if (ping) state.calls.pings += 1;
      else if (path.startsWith('/sick')) state.calls.sickClient += 1;
      else state.calls.wellClient += 1;
      if (path.startsWith('/sick') && state.failing) {
        answer(503, { error: { message: 'overloaded', type: 'server_error' } });
        return;
      }
      answer(200, { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${String(port)}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}

let redis: RedisServer;
let upstream: Upstream;
let cluster: Cluster;

beforeAll(async () => {
  redis = await startRedis();
  upstream = await startUpstream();
  const storeUrl = await createDatabase(`sluice_cluster_verdicts_${String(process.pid)}`);
  const yaml = `
store: ${storeUrl}
redis: ${redis.url}
keys:
  - { name: app, key: ${apiKey} }
retry: { attempts: 2, base_ms: 10, max_ms: 20 }
breaker: { min_calls: 100, cooldown_ms: 600000 }
channels:
  - { name: keyed, type: openai, base_url: ${upstream.url}/keys/v1, api_keys: [${badKey}, ${goodKey}], models: [k] }
  - { name: sick, type: openai, base_url: ${upstream.url}/sick/v1, api_key: s, models: [h], health_check: { interval_ms: ${String(checkEveryMs)} } }
  - { name: well, type: openai, base_url: ${upstream.url}/well/v1, api_key: w, models: [h], priority: 1 }
`;
  cluster = await startCluster(yaml, 3, apiKey, { redisClientPolicy: patientRedisPolicy });
}, 30_000);

afterAll(async () => {
  await cluster.close();
  await upstream.close();
  await redis.stop();
});

function at(index: number): Instance {
  return cluster.instances[index] as Instance;
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

async function ask(instance: Instance, model: string): Promise<string | null | undefined> {
  const completion = await instance.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] });
  return completion.choices[0]?.message.content;
}

describe('a refused upstream key', () => {
  it('is set aside on every instance once one of them saw the refusal, until the same re-check time', async () => {
    // The first key in turn is the refused one: that call gets the upstream's refusal (one channel, no other to fail over to).
    await expect(ask(at(0), 'k')).rejects.toThrow(/Incorrect API key/);
    expect(upstream.calls.bad).toBe(1);
    // The others hear of it through Redis (pub/sub), without a call of their own.
    const heard = Date.now();
    await waitUntil(() => [1, 2].every((index) => at(index).logs.some((line) => String(line.msg).includes('refused on another instance'))), 2000);
    console.info(`a refused key reached the other instances within ${String(Date.now() - heard)} ms`);
    for (const index of [1, 2, 1, 2, 1, 2]) expect(await ask(at(index), 'k')).toBe('ok');
    expect(upstream.calls.bad).toBe(1);
    expect(upstream.calls.good).toBe(6);
    // Recorded with its re-check time (10 min, relay/failure-policy.ts keyRecheckMs) as its life; no key value in Redis.
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const names = await client.keys('sluice:refused:*');
      expect(names).toHaveLength(1);
      const ttl = await client.pTTL(names[0] ?? '');
      expect(ttl).toBeGreaterThan(9 * 60_000);
      expect(ttl).toBeLessThanOrEqual(10 * 60_000);
      expect(await client.get(names[0] ?? '')).not.toContain(badKey);
    } finally {
      await client.close();
    }
  });
});

describe('a channel health check', () => {
  it('is run by one instance only, whose verdicts every instance applies', async () => {
    // One instance's pings: over 1 s at one check per 100 ms, about 10 (three instances would send about 30).
    const before = upstream.calls.pings;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const pings = upstream.calls.pings - before;
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(pings).toBeLessThanOrEqual(15);
    // The lease names one instance, which said so when it took it.
    const client = createClient({ url: redis.url });
    await client.connect();
    const owner = await client.get('sluice:health-owner:{sick}').finally(() => client.close());
    expect(owner).toEqual(expect.any(String));
    const owners = cluster.instances.filter((instance) => instance.logs.some((line) => String(line.msg).includes('owns the health check of sick') && line.instance === owner));
    expect(owners).toHaveLength(1);
    // Every instance's clients, the owner's included (its own verdict goes into its breaker directly).
    const everyone = cluster.instances;

    // Down: the owner's verdict opens every instance's circuit, so their clients go to `well`
    // without `sick` seeing a call (the breaker alone would wait for 100 failed calls).
    upstream.failing = true;
    const failedPings = upstream.calls.pings;
    expect(await waitUntil(() => upstream.calls.pings >= failedPings + 2, 2000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sickBefore = upstream.calls.sickClient;
    for (const instance of everyone) expect(await ask(instance, 'h')).toBe('ok');
    expect(upstream.calls.sickClient).toBe(sickBefore);

    // Up again: the next check's verdict closes them all.
    upstream.failing = false;
    const healedPings = upstream.calls.pings;
    expect(await waitUntil(() => upstream.calls.pings >= healedPings + 2, 2000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const instance of everyone) expect(await ask(instance, 'h')).toBe('ok');
    expect(upstream.calls.sickClient).toBe(sickBefore + everyone.length);
  });
});
