// Upkeep of several instances on one PostgreSQL: rows of crashed instances are deleted from the
// instance registry once not seen for `pruneAfterMs` (docs/deploy.md "Instance registry"); how
// changes from other instances arrived shows in /metrics (`sluice_config_changes_applied_total`
// by source, `sluice_config_change_lag_seconds`; docs/deploy.md "Shared verdicts").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/admin-client.ts';
import { createDatabase, propagation, queryDatabase, startInstance, type Instance } from './start-instances.ts';

const registryPolicy = { heartbeatMs: 100, liveForMs: 1000, pruneAfterMs: 60_000 };
const databaseNowMs = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

let storeUrl: string;
const instances: Instance[] = [];

beforeAll(async () => {
  storeUrl = await createDatabase('hygiene');
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.sluice.close()));
});

async function registryIds(): Promise<string[]> {
  return queryDatabase(storeUrl, async (client) => (await client.query<{ id: string }>('select id from sluice_instances order by id')).rows.map((row) => row.id));
}

async function metricsOf(instance: Instance): Promise<string> {
  return (await fetch(`${instance.sluice.url}/metrics`)).text();
}

function valueOf(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the instance registry', () => {
  it('deletes the rows of instances not seen for pruneAfterMs, and keeps the rest', async () => {
    const first = await startInstance(storeUrl, undefined, { instanceRegistryPolicy: registryPolicy });
    instances.push(first);
    // Two crashed instances: one gone two hours ago, one ten seconds ago (not live, not yet pruned).
    await queryDatabase(storeUrl, (client) => client.query(`insert into sluice_instances (id, host, pid, started_at, last_seen) values
      ('crashed-long-ago', 'h', 1, 0, ${databaseNowMs} - 7200000),
      ('crashed-just-now', 'h', 2, 0, ${databaseNowMs} - 10000)`));
    const ids = await eventually(registryIds, (rows) => !rows.includes('crashed-long-ago'), 3000);
    expect(ids).not.toContain('crashed-long-ago');
    expect(ids).toContain('crashed-just-now');
    expect(ids).toHaveLength(2);
  });
});

describe('propagation metrics', () => {
  it('count changes applied by notification (with their lag) and by the poll', async () => {
    const notified = await startInstance(storeUrl);
    const polled = await startInstance(storeUrl, undefined, { propagationPolicy: propagation({ listen: false, pollMs: 100 }) });
    instances.push(notified, polled);
    const first = instances[0] as Instance;
    // LISTEN is connected after start: a change made before would come by the poll.
    expect(await eventually(() => Promise.resolve(notified.sluice.changes?.isListening()), (listening) => listening === true, 3000)).toBe(true);
    expect((await first.admin('POST', '/channels', { name: 'echo-metrics', type: 'echo', models: ['echo-metrics'] })).status).toBe(201);

    const byNotify = await eventually(() => metricsOf(notified), (text) => (valueOf(text, 'sluice_config_changes_applied_total{source="notify"}') ?? 0) >= 1, 3000);
    expect(valueOf(byNotify, 'sluice_config_changes_applied_total{source="notify"}')).toBe(1);
    expect(valueOf(byNotify, 'sluice_config_change_lag_seconds_count')).toBe(1);
    // On one host the clocks agree: the lag is real and short.
    expect(valueOf(byNotify, 'sluice_config_change_lag_seconds_bucket{le="5"}')).toBe(1);

    const byPoll = await eventually(() => metricsOf(polled), (text) => (valueOf(text, 'sluice_config_changes_applied_total{source="poll"}') ?? 0) >= 1, 3000);
    expect(valueOf(byPoll, 'sluice_config_changes_applied_total{source="poll"}')).toBeGreaterThanOrEqual(1);
    expect(valueOf(byPoll, 'sluice_config_changes_applied_total{source="notify"}')).toBe(0);
  });
});
