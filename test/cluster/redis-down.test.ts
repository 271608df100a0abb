// Redis killed mid-run under two instances (docs/deploy.md "Redis: shared limits"): requests keep
// being answered without waiting on Redis, each instance admits its share of the key's rpm
// (`limit / redis_fallback_instances`), /readyz and the metrics say so; when Redis comes back
// (empty) the limit is shared again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/admin-client.ts';
import { createDatabase, sendSpread, startCluster, type Cluster, type Instance } from './start-cluster.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const apiKey = 'sk-cluster-redis-down';
const request = { model: 'echo', messages: [{ role: 'user' as const, content: 'hi' }] };

let redis: RedisServer;
let cluster: Cluster;

beforeAll(async () => {
  redis = await startRedis();
  const storeUrl = await createDatabase(`sluice_cluster_down_${String(process.pid)}`);
  cluster = await startCluster(`
store: ${storeUrl}
redis: ${redis.url}
redis_fallback_instances: 2
keys:
  - { name: app, key: ${apiKey}, rpm: 20 }
channels:
  - { name: echo, type: echo, models: [echo] }
`, 2, apiKey, { instanceRegistryPolicy: { heartbeatMs: 100, liveForMs: 400 } });
});

afterAll(async () => {
  await cluster.close();
  await redis.stop();
});

async function readyOf(instance: Instance): Promise<{ status: number; body: { sharedState?: { redis: string }; instances?: { live: number | null } } }> {
  const response = await fetch(`${instance.sluice.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { sharedState?: { redis: string }; instances?: { live: number | null } } };
}

async function metricOf(instance: Instance, name: string): Promise<number> {
  const text = await (await fetch(`${instance.sluice.url}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(name));
  return Number(line?.split(' ').at(-1));
}

function countLogs(instance: Instance, words: string): number {
  return instance.logs.filter((line) => String(line.msg).includes(words)).length;
}

describe('Redis down under two instances', () => {
  it('keeps answering on each instance\'s share, then shares the limit again when Redis returns', async () => {
    const [first, second] = cluster.instances as [Instance, Instance];
    // The share divides by the live instances of the registry: the first counts the second at its next beat.
    for (const instance of cluster.instances) await eventually(() => readyOf(instance), (ready) => ready.body.instances?.live === 2, 2000);
    expect((await sendSpread(cluster.instances, 10, request)).admitted).toBe(10);
    expect((await readyOf(first)).body.sharedState).toEqual({ redis: 'up' });

    await redis.kill();
    await eventually(() => readyOf(first), (ready) => ready.body.sharedState?.redis === 'down');
    const started = performance.now();
    const degraded = await sendSpread(cluster.instances, 30, request);
    const elapsedMs = performance.now() - started;
    // rpm 20 over 2 instances: 10 each, not 20 each (full per-instance limits) and not 0.
    expect(degraded).toMatchObject({ admitted: 20, limited: 10, perInstance: [10, 10] });
    // The client's defaults would hold each request 5 s (docs/scale-out.md §G); fail-fast holds none. The
    // bound is under one such hold, with room for a loaded machine (2 s was tight under a full suite's load).
    expect(elapsedMs).toBeLessThan(3500);
    const ready = await readyOf(second);
    expect(ready.status).toBe(200);
    expect(ready.body.sharedState?.redis).toBe('down');
    expect(await metricOf(second, 'sluice_shared_state_up')).toBe(0);
    expect(await metricOf(second, 'sluice_shared_state_degraded_total{what="rate"}')).toBeGreaterThanOrEqual(15);

    await redis.restart();
    for (const instance of cluster.instances) await eventually(() => readyOf(instance), (answer) => answer.body.sharedState?.redis === 'up', 8000);
    expect(await metricOf(first, 'sluice_shared_state_up')).toBe(1);
    // Redis came back empty: a fresh shared minute of 20 for the key, whichever instance admits.
    expect(await sendSpread(cluster.instances, 30, request)).toMatchObject({ admitted: 20, limited: 10 });
    for (const instance of cluster.instances) {
      expect(countLogs(instance, 'shared state down')).toBe(1);
      expect(countLogs(instance, 'shared state up')).toBe(2);
    }
  });

  it('bounds each request by the command timeout when Redis hangs, then goes local without waiting', async () => {
    const [first] = cluster.instances as [Instance, Instance];
    redis.pause();
    try {
      const started = performance.now();
      const answered = await sendSpread(cluster.instances, 10, request);
      // One 100 ms command timeout for the requests already sent, then local decisions (1 s before Redis is tried
      // again); the client's defaults would hold each 5 s. The bound leaves room for a loaded machine.
      expect(performance.now() - started).toBeLessThan(3500);
      expect(answered.admitted + answered.limited).toBe(10);
      expect((await readyOf(first)).body.sharedState?.redis).toBe('down');
    } finally {
      redis.resume();
    }
    await eventually(async () => {
      await sendSpread([first], 1, request);
      return readyOf(first);
    }, (answer) => answer.body.sharedState?.redis === 'up', 5000);
  });
});
