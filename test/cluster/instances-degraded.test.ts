// Redis down under three instances, no redis_fallback_instances set (it defaults to 1): each
// instance admits its share of the key's rpm by the instance registry's live count — rpm 30 over
// 3 live instances is 10 each — not the full 30 each the configured default would give.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/admin-client.ts';
import { createDatabase, sendSpread, startCluster, type Cluster, type Instance } from './start-cluster.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const apiKey = 'sk-cluster-instances-degraded';
const request = { model: 'echo', messages: [{ role: 'user' as const, content: 'hi' }] };
const policy = { heartbeatMs: 100, liveForMs: 400 };

let redis: RedisServer;
let cluster: Cluster;

beforeAll(async () => {
  redis = await startRedis();
  const storeUrl = await createDatabase(`sluice_cluster_instances_down_${String(process.pid)}`);
  cluster = await startCluster(`
store: ${storeUrl}
redis: ${redis.url}
keys:
  - { name: app, key: ${apiKey}, rpm: 30 }
channels:
  - { name: echo, type: echo, models: [echo] }
`, 3, apiKey, { instanceRegistryPolicy: policy });
});

afterAll(async () => {
  await cluster.close();
  await redis.stop();
});

async function readyOf(instance: Instance): Promise<{ sharedState?: { redis: string }; instances?: { live: number | null } }> {
  return (await (await fetch(`${instance.sluice.url}/readyz`)).json()) as never;
}

describe('the share of a limit while Redis is down', () => {
  it('is the limit over the live instances of the registry', async () => {
    for (const instance of cluster.instances) await eventually(() => readyOf(instance), (ready) => ready.instances?.live === 3, 8000);
    await redis.kill();
    for (const instance of cluster.instances) await eventually(() => readyOf(instance), (ready) => ready.sharedState?.redis === 'down', 5000);
    // 60 requests round-robin: 20 reach each instance, 10 admitted on each (30 / 3 live).
    const degraded = await sendSpread(cluster.instances, 60, request);
    expect(degraded).toMatchObject({ admitted: 30, limited: 30, perInstance: [10, 10, 10] });
    const [first] = cluster.instances as [Instance];
    const logged = first.logs.find((line) => String(line.msg).includes('shared state down'));
    expect(String(logged?.msg)).toContain('live instances in the instance registry');
  });
});
