// A `shared_state_degraded` alert (docs/alerts.md): Redis killed under a running instance fires it
// once at a local webhook receiver, and Redis back resolves it once; the admin API lists it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient } from '../support/admin-client.ts';
import { sleepMs, startAlertReceiver, waitUntil, type AlertReceiver } from '../support/alert-receiver.ts';
import { createDatabase, startCluster, type Cluster } from './start-cluster.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const apiKey = 'sk-cluster-alert-shared-state';
const adminKey = 'cluster-alert-admin-0123456789';

let redis: RedisServer;
let cluster: Cluster;
let receiver: AlertReceiver;

beforeAll(async () => {
  redis = await startRedis();
  receiver = await startAlertReceiver();
  const storeUrl = await createDatabase(`sluice_cluster_alert_${String(process.pid)}`);
  cluster = await startCluster(`
store: ${storeUrl}
redis: ${redis.url}
admin_key: ${adminKey}
keys:
  - { name: app, key: ${apiKey}, rpm: 1000 }
channels:
  - { name: echo, type: echo, models: [echo] }
alerts:
  - { name: redis-down, when: { shared_state_degraded: true }, hold_s: 0, notify: [{ url: "${receiver.url}", format: slack }] }
`, 1, apiKey, { alertOptions: { checkEveryMs: 50 } });
});

afterAll(async () => {
  await cluster.close();
  await redis.stop();
  receiver.close();
});

describe('an alert on the shared state', () => {
  it('fires once while Redis is down and resolves once when it answers again', async () => {
    const instance = cluster.instances[0];
    if (instance === undefined) throw new Error('no instance');
    await instance.client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] });
    await sleepMs(200);
    expect(receiver.received).toEqual([]);

    await redis.kill();
    await waitUntil(() => receiver.received.length === 1, 'the firing message', 8_000);
    expect(receiver.received[0]?.body).toEqual({ text: expect.stringMatching(/^\[FIRING\] Sluice alert redis-down on shared state redis: the shared state \(Redis\) does not answer/) as unknown });
    const listed = await createAdminClient(instance.sluice.url, adminKey)('GET', '/alerts');
    expect(listed.body.data).toMatchObject([{ rule: 'redis-down', kind: 'shared_state_degraded', subject: 'shared_state', name: 'redis', state: 'firing' }]);

    await redis.restart();
    await waitUntil(() => receiver.received.length === 2, 'the resolved message', 10_000);
    expect(String(receiver.received[1]?.body.text)).toContain('[RESOLVED]');
    await sleepMs(200);
    expect(receiver.received).toHaveLength(2);
  });
});
