// The instance registry on the real PostgreSQL (docs/deploy.md "Instance registry"): three instances
// each count three live; one closed, the others count two within a heartbeat; a row whose heartbeat
// stopped (a crashed instance) is not live; the admin API lists the live ones.
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/admin-client.ts';
import { createDatabase, startCluster, type Cluster, type Instance } from './start-cluster.ts';

const apiKey = 'sk-cluster-instances';
const adminKey = 'admin-key-for-instances-test';
/** Short beats so the test waits little; the defaults are 5 s / 15 s (config/defaults.ts). */
const policy = { heartbeatMs: 100, liveForMs: 400 };

let storeUrl: string;
let cluster: Cluster;

beforeAll(async () => {
  storeUrl = await createDatabase(`sluice_cluster_instances_${String(process.pid)}`);
  cluster = await startCluster(`
store: ${storeUrl}
admin_key: ${adminKey}
keys:
  - { name: app, key: ${apiKey} }
channels:
  - { name: echo, type: echo, models: [echo] }
`, 3, apiKey, { instanceRegistryPolicy: policy });
});

afterAll(async () => {
  await cluster.close();
});

interface Ready { instances?: { live: number | null } }

async function liveOf(instance: Instance): Promise<number | null | undefined> {
  const body = (await (await fetch(`${instance.sluice.url}/readyz`)).json()) as Ready;
  return body.instances?.live;
}

async function listInstances(instance: Instance, key = adminKey): Promise<{ status: number; body: { registry: boolean; live: number; data: Array<{ id: string; pid: number; self: boolean; last_seen: string }> } }> {
  const response = await fetch(`${instance.sluice.url}/admin/api/instances`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as never };
}

describe('the instance registry', () => {
  it('counts three live instances, then two within a heartbeat of one closing', async () => {
    for (const instance of cluster.instances) expect(await eventually(() => liveOf(instance), (live) => live === 3, 2000)).toBe(3);

    const [first, second, third] = cluster.instances as [Instance, Instance, Instance];
    await third.sluice.close();
    const closedAt = performance.now();
    await eventually(() => liveOf(first), (live) => live === 2, 2000);
    await eventually(() => liveOf(second), (live) => live === 2, 2000);
    // The row goes at clean shutdown: the others see it at their next beat, not after the live window.
    expect(performance.now() - closedAt).toBeLessThan(policy.heartbeatMs * 3);
    expect(await liveOf(first)).toBe(2);
    cluster.instances.pop();
  });

  it('does not count a row whose heartbeat stopped (a crashed instance)', async () => {
    const client = new Client({ connectionString: storeUrl });
    await client.connect();
    try {
      await client.query(`insert into sluice_instances (id, host, pid, started_at, last_seen) values ('crashed', 'gone', 1, 0, (extract(epoch from clock_timestamp()) * 1000)::bigint)`);
      const [first] = cluster.instances as [Instance];
      // Fresh: counted at the next beat; then, its heartbeat never coming, dropped after the live window.
      expect(await eventually(() => liveOf(first), (live) => live === 3, 2000)).toBe(3);
      expect(await eventually(() => liveOf(first), (live) => live === 2, 2000)).toBe(2);
      expect((await listInstances(first)).body.data.map((row) => row.id)).not.toContain('crashed');
    } finally {
      await client.end();
    }
  });

  it('lists the live instances on GET /admin/api/instances, admin key only', async () => {
    const [first, second] = cluster.instances as [Instance, Instance];
    const listed = await listInstances(second);
    expect(listed.status).toBe(200);
    expect(listed.body.registry).toBe(true);
    expect(listed.body.live).toBe(2);
    expect(listed.body.data).toHaveLength(2);
    expect(listed.body.data.filter((row) => row.self)).toHaveLength(1);
    expect(listed.body.data.every((row) => row.pid === process.pid && !Number.isNaN(Date.parse(row.last_seen)))).toBe(true);
    const fromFirst = await listInstances(first);
    expect(fromFirst.body.data.map((row) => row.id).sort()).toEqual(listed.body.data.map((row) => row.id).sort());
    expect(fromFirst.body.data.find((row) => row.self)?.id).not.toBe(listed.body.data.find((row) => row.self)?.id);
    expect((await listInstances(first, 'wrong-admin-key')).status).toBe(401);
  });
});
