// Redis down under three instances (redis_fallback_instances left at 1): channel and key
// `max_concurrency` fall back to each instance's share, `cap / live instances` by the instance
// registry (src/shared-state/leased-slots.ts) — never the full cap on each, which would let three
// instances hold three times the cap.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/admin-client.ts';
import { createDatabase, startCluster, type Cluster, type Instance } from './start-cluster.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const channelKey = 'sk-degraded-slots-channel';
const limitedKey = 'sk-degraded-slots-key';
const answerMs = 300;

/** Answers after `answerMs`; counts the calls it holds at once. */
const upstream = { active: 0, peak: 0, url: '', server: undefined as Server | undefined };

let redis: RedisServer;
let cluster: Cluster;

beforeAll(async () => {
  upstream.server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      upstream.active += 1;
      upstream.peak = Math.max(upstream.peak, upstream.active);
      setTimeout(() => {
        upstream.active -= 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }));
      }, answerMs);
    });
  });
  upstream.server.listen(0, '127.0.0.1');
  await once(upstream.server, 'listening');
  upstream.url = `http://127.0.0.1:${String((upstream.server.address() as AddressInfo).port)}/v1`;
  redis = await startRedis();
  const storeUrl = await createDatabase(`sluice_cluster_degraded_slots_${String(process.pid)}`);
  cluster = await startCluster(`
store: ${storeUrl}
redis: ${redis.url}
keys:
  - { name: app, key: ${channelKey} }
  - { name: limited, key: ${limitedKey}, max_concurrency: 3 }
channels:
  - { name: slow, type: openai, base_url: ${upstream.url}, api_key: k, models: [m], max_concurrency: 6 }
`, 3, channelKey, { instanceRegistryPolicy: { heartbeatMs: 100, liveForMs: 3000 } });
});

afterAll(async () => {
  await cluster.close();
  await redis.stop();
  upstream.server?.closeAllConnections();
  await new Promise((resolve) => upstream.server?.close(resolve));
});

async function readyOf(instance: Instance): Promise<{ sharedState?: { redis: string }; instances?: { live: number | null } }> {
  return (await (await fetch(`${instance.sluice.url}/readyz`)).json()) as never;
}

describe('max_concurrency while Redis is down', () => {
  it('is the cap over the live instances on each instance', async () => {
    for (const instance of cluster.instances) await eventually(() => readyOf(instance), (ready) => ready.instances?.live === 3, 2000);
    await redis.kill();
    const first = cluster.instances[0] as Instance;
    await eventually(() => readyOf(first), (ready) => ready.sharedState?.redis === 'down', 5000);

    // Channel cap 6 over 3 live instances: 2 at a time on this one (the rest wait their turn).
    const ask = (client: OpenAI) => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    const answers = await Promise.all(Array.from({ length: 6 }, () => ask(first.client)));
    expect(answers.map((answer) => answer.choices[0]?.message.content)).toEqual(Array(6).fill('ok'));
    expect(upstream.peak).toBe(2);

    // Key cap 3 over 3 live instances: 1 on this one; the others are refused at once (queue_ms 0).
    const limited = new OpenAI({ baseURL: `${first.sluice.url}/v1`, apiKey: limitedKey, maxRetries: 0 });
    const settled = await Promise.allSettled(Array.from({ length: 3 }, () => ask(limited)));
    const refused = settled.filter((result) => result.status === 'rejected').map((result) => (result.reason as { status?: number }).status);
    expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(refused).toEqual([429, 429]);
  });
});
