// A key's token quota across three instances on one PostgreSQL (docs/deploy.md "Quotas across
// instances"): with Redis, one hold per request under its request id, the charges in the ledger once
// each, PostgreSQL's remaining_tokens the truth; a Redis emptied mid-run is re-seeded from it; a
// Redis stopped falls back to the store's conditional UPDATE, still exact. Every request here
// reserves exactly what it uses (echo: 56 prompt + 50 completion tokens, max_tokens 50), so the
// bound "never more than one request's overrun" is 0 tokens over the quota.
import { createClient } from '@redis/client';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { eventually } from '../support/admin-client.ts';
import { createDatabase, patientRedisPolicy, sendSpread, startCluster, type Cluster, type Instance } from './start-cluster.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const apiKey = 'sk-cluster-quota';
const adminKey = 'sk-cluster-quota-admin';
const usedPerRequest = 106;
const request = { model: 'echo', max_tokens: 50, messages: [{ role: 'user' as const, content: Array.from({ length: 50 }, () => 'word').join(' ') }] };

/** Keys made before the instances start, each with its quota; the config names the same keys (synced by hash). */
const quotas = { exact: 1000, flushed: 1500, down: 1200, topped: 300, plain: undefined, local: 1000 } as const;
type KeyName = keyof typeof quotas;

let redis: RedisServer;
let storeUrl: string;
let database: Client;
let shared: Cluster;

const keyOf = (name: KeyName): string => `${apiKey}-${name}`;

function configOf(withRedis: boolean, names: readonly KeyName[]): string {
  return `
store: ${storeUrl}
admin_key: ${adminKey}
${withRedis ? `redis: ${redis.url}` : ''}
keys:
${names.map((name) => `  - { name: ${name}, key: ${keyOf(name)} }`).join('\n')}
channels:
  - { name: echo, type: echo, models: [echo] }
`;
}

async function remainingOf(name: KeyName): Promise<number | null> {
  const result = await database.query<{ remaining_tokens: string | null }>('select remaining_tokens from api_keys where name = $1', [name]);
  const value = result.rows[0]?.remaining_tokens;
  return value == null ? null : Number(value);
}

async function ledgerOf(name: KeyName): Promise<{ rows: number; tokens: number }> {
  const result = await database.query<{ rows: string; tokens: string | null }>(
    'select count(*) as rows, sum(tokens) as tokens from quota_ledger where key_id = (select id from api_keys where name = $1)',
    [name],
  );
  return { rows: Number(result.rows[0]?.rows), tokens: Number(result.rows[0]?.tokens ?? 0) };
}

async function redisBalanceOf(name: KeyName): Promise<string | null> {
  const id = (await database.query<{ id: string }>('select id from api_keys where name = $1', [name])).rows[0]?.id ?? '';
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return await client.hGet(`sluice:balance:{tokens:${id}}`, 'bal');
  } finally {
    await client.close();
  }
}

async function redisCommand(...command: string[]): Promise<unknown> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return await client.sendCommand(command);
  } finally {
    await client.close();
  }
}

/** The quota's ledger has caught up: PostgreSQL's balance is the quota less what the answers report. */
function settledTo(name: KeyName, expected: number): Promise<number | null> {
  return eventually(() => remainingOf(name), (value) => value === expected, 5000);
}

async function readyOf(instance: Instance): Promise<{ sharedState?: { redis: string } }> {
  return (await (await fetch(`${instance.sluice.url}/readyz`)).json()) as { sharedState?: { redis: string } };
}

async function metricOf(instance: Instance, name: string): Promise<number> {
  const text = await (await fetch(`${instance.sluice.url}/metrics`)).text();
  return Number(text.split('\n').find((row) => row.startsWith(name))?.split(' ').at(-1));
}

function onKey(cluster: Cluster, name: KeyName): Instance[] {
  return cluster.instances.map((instance) => ({ ...instance, client: instance.client.withOptions({ apiKey: keyOf(name) }) }));
}

beforeAll(async () => {
  redis = await startRedis();
  storeUrl = await createDatabase(`sluice_cluster_quota_${String(process.pid)}`);
  const store = await openStore(storeUrl);
  for (const [name, quotaTokens] of Object.entries(quotas)) await store.keys.create({ name, key: keyOf(name as KeyName), quotaTokens });
  await store.close();
  database = new Client({ connectionString: storeUrl });
  await database.connect();
  shared = await startCluster(configOf(true, ['exact', 'flushed', 'down', 'topped', 'plain']), 3, keyOf('exact'), { redisClientPolicy: patientRedisPolicy });
});

afterAll(async () => {
  await shared.close();
  await database.end();
  await redis.stop();
});

describe('a token quota across three instances', () => {
  it('holds exactly with Redis: 60 parallel requests against 1000 tokens → 9 answered, 954 charged, once each in the ledger', async () => {
    const tally = await sendSpread(onKey(shared, 'exact'), 60, request);
    expect(tally).toMatchObject({ admitted: 9, limited: 51, usedTokens: 9 * usedPerRequest });
    expect(tally.usedTokens).toBeLessThanOrEqual(quotas.exact);
    expect(await settledTo('exact', quotas.exact - 9 * usedPerRequest)).toBe(46);
    expect(await ledgerOf('exact')).toEqual({ rows: 9, tokens: 954 });
    expect(await redisBalanceOf('exact')).toBe('46');

    // The ledger's batches written again (a retry after an answer that never came) charge nothing twice.
    const rows = await database.query<{ request_id: string; key_id: string; tokens: string; settled_at: string }>("select request_id, key_id, tokens, settled_at from quota_ledger where key_id = (select id from api_keys where name = 'exact')");
    const store = await openStore(storeUrl);
    try {
      expect(await store.quotaLedger.record(rows.rows.map((row) => ({ requestId: row.request_id, keyId: row.key_id, tokens: Number(row.tokens), settledAt: Number(row.settled_at) })))).toBe(0);
    } finally {
      await store.close();
    }
    expect(await remainingOf('exact')).toBe(46);
  });

  it('also holds exactly without Redis: today\'s conditional UPDATE in PostgreSQL never overshoots either (two writes per request)', async () => {
    const local = await startCluster(configOf(false, ['local']), 3, keyOf('local'));
    try {
      const tally = await sendSpread(local.instances, 60, request);
      expect(tally).toMatchObject({ admitted: 9, limited: 51 });
      expect(await remainingOf('local')).toBe(46);
      // No ledger: the store's balance moved by conditional UPDATEs alone.
      expect(await ledgerOf('local')).toEqual({ rows: 0, tokens: 0 });
    } finally {
      await local.close();
    }
  });

  it('re-seeds a Redis emptied mid-run from PostgreSQL: no double spend, no increments of a lost copy', async () => {
    const instances = onKey(shared, 'flushed');
    expect((await sendSpread(instances, 6, request)).admitted).toBe(6);
    await settledTo('flushed', quotas.flushed - 6 * usedPerRequest);
    expect(await redisBalanceOf('flushed')).toBe(String(quotas.flushed - 6 * usedPerRequest));
    await redisCommand('FLUSHALL');
    const tally = await sendSpread(instances, 60, request);
    // 864 left: 8 more requests of 106, and not one past it (a copy rebuilt by increments would have admitted from 0 or from 1500).
    expect(tally).toMatchObject({ admitted: 8, limited: 52 });
    expect(await settledTo('flushed', quotas.flushed - 14 * usedPerRequest)).toBe(16);
    expect(await ledgerOf('flushed')).toEqual({ rows: 14, tokens: 14 * usedPerRequest });
    expect(await redisBalanceOf('flushed')).toBe('16');
  });

  it('re-seeds every instance\'s view after an admin sets the balance on one of them', async () => {
    const instances = onKey(shared, 'topped');
    expect((await sendSpread(instances, 3, request)).admitted).toBe(2);
    expect(await redisBalanceOf('topped')).toBe(String(300 - 2 * usedPerRequest));
    const id = (await database.query<{ id: string }>("select id from api_keys where name = 'topped'")).rows[0]?.id ?? '';
    const patched = await fetch(`${shared.instances[0]?.sluice.url ?? ''}/admin/api/keys/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ remaining_tokens: 1000 }),
    });
    expect(patched.status).toBe(200);
    // Sent to the other two instances only: the copy in Redis was dropped and seeded with the new 1000.
    expect(await sendSpread(instances.slice(1), 60, request)).toMatchObject({ admitted: 9, limited: 51 });
    expect(await settledTo('topped', 1000 - 9 * usedPerRequest)).toBe(46);
  });

  it('never touches Redis or the ledger for a key without a quota', async () => {
    const calls = async (): Promise<number> => {
      const stats = String(await redisCommand('INFO', 'commandstats'));
      return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    };
    const before = await calls();
    expect((await sendSpread(onKey(shared, 'plain'), 12, request)).admitted).toBe(12);
    expect(await calls()).toBe(before);
    expect(await ledgerOf('plain')).toEqual({ rows: 0, tokens: 0 });
  });

  it('falls back to the store\'s conditional UPDATE while Redis is stopped, still exact, counted as degraded; re-seeds when it returns', async () => {
    const instances = onKey(shared, 'down');
    expect((await sendSpread(instances, 3, request)).admitted).toBe(3);
    await settledTo('down', quotas.down - 3 * usedPerRequest);
    await redis.kill();
    for (const instance of shared.instances) await eventually(() => readyOf(instance), (ready) => ready.sharedState?.redis === 'down');
    // 882 left: 8 requests of 106, decided by PostgreSQL alone.
    expect(await sendSpread(instances, 60, request)).toMatchObject({ admitted: 8, limited: 52 });
    expect(await settledTo('down', quotas.down - 11 * usedPerRequest)).toBe(34);
    const degraded = await Promise.all(shared.instances.map((instance) => metricOf(instance, 'sluice_shared_state_degraded_total{what="quota"}')));
    expect(degraded.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(60);
    expect(shared.instances[0]?.logs.some((line) => String(line.msg).includes('token quotas are held by a conditional UPDATE in the store'))).toBe(true);

    await redis.restart();
    for (const instance of shared.instances) await eventually(() => readyOf(instance), (ready) => ready.sharedState?.redis === 'up', 8000);
    // Redis came back empty: seeded from PostgreSQL's 34, so nothing more fits.
    expect(await sendSpread(instances, 9, request)).toMatchObject({ admitted: 0, limited: 9 });
    expect(await redisBalanceOf('down')).toBe('34');
  });
});
