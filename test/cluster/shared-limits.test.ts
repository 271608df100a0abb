// Three Sluice instances on one PostgreSQL: with Redis, a key's rpm and tpm hold across all of them
// (docs/deploy.md "Redis: shared limits"); without it, each instance counts alone and the key gets
// three times its limits — the violation the shared limiter exists to prevent.
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { createDatabase, patientRedisPolicy, sendSpread, startCluster, type Cluster } from './start-cluster.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const apiKey = 'sk-cluster-shared-limits';
const tpm = 1000;
/** 50 words: echo's usage is 56 prompt + 50 completion; the reservation is the prompt's count + max_tokens. */
const tokenRequest = { model: 'echo', max_tokens: 50, messages: [{ role: 'user' as const, content: Array.from({ length: 50 }, () => 'word').join(' ') }] };

let redis: RedisServer;
let storeUrl: string;

function configOf(withRedis: boolean, keyName: string, limit: string): string {
  return `
store: ${storeUrl}
${withRedis ? `redis: ${redis.url}` : ''}
keys:
  - { name: ${keyName}, key: ${apiKey}-${keyName}, ${limit} }
channels:
  - { name: echo, type: echo, models: [echo] }
`;
}

async function withCluster(withRedis: boolean, keyName: string, limit: string, work: (cluster: Cluster) => Promise<void>): Promise<void> {
  const cluster = await startCluster(configOf(withRedis, keyName, limit), 3, `${apiKey}-${keyName}`, { redisClientPolicy: patientRedisPolicy });
  try {
    await work(cluster);
  } finally {
    await cluster.close();
  }
}

beforeAll(async () => {
  redis = await startRedis();
  storeUrl = await createDatabase(`sluice_cluster_limits_${String(process.pid)}`);
});

afterAll(async () => {
  await redis.stop();
});

describe('rpm across three instances', () => {
  it('admits exactly the limit with Redis: 30 parallel requests, rpm 10 → 10', async () => {
    await withCluster(true, 'rpm-shared', 'rpm: 10', async (cluster) => {
      const tally = await sendSpread(cluster.instances, 30, { model: 'echo', messages: [{ role: 'user', content: 'hi' }] });
      expect(tally).toMatchObject({ admitted: 10, limited: 20 });
    });
  });

  it('admits up to three times the limit without Redis (each instance counts alone)', async () => {
    await withCluster(false, 'rpm-local', 'rpm: 10', async (cluster) => {
      const tally = await sendSpread(cluster.instances, 30, { model: 'echo', messages: [{ role: 'user', content: 'hi' }] });
      expect(tally.admitted).toBe(30);
      expect(cluster.instances[0]?.logs.some((line) => String(line.msg).includes('limits and concurrency are counted per instance'))).toBe(true);
    });
  });
});

describe('tpm across three instances', () => {
  it('spends at most the limit plus one request with Redis', async () => {
    await withCluster(true, 'tpm-shared', `tpm: ${String(tpm)}`, async (cluster) => {
      const tally = await sendSpread(cluster.instances, 30, tokenRequest);
      expect(tally.admitted).toBeGreaterThan(0);
      expect(tally.usedTokens).toBeLessThanOrEqual(tpm + 106);
    });
  });

  it('spends about three times the limit without Redis', async () => {
    await withCluster(false, 'tpm-local', `tpm: ${String(tpm)}`, async (cluster) => {
      const tally = await sendSpread(cluster.instances, 30, tokenRequest);
      expect(tally.usedTokens).toBeGreaterThan(2 * tpm);
      expect(cluster.instances[0]?.logs.some((line) => String(line.msg).includes('limits and concurrency are counted per instance'))).toBe(true);
    });
  });
});

/** Script calls Redis has served so far (EVALSHA and its EVAL fallback). */
async function countScriptCalls(): Promise<number> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    const stats = await client.info('commandstats');
    return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
  } finally {
    await client.close();
  }
}

describe('what never touches Redis, and what cannot start', () => {
  it('sends no script call for a key without rpm or tpm', async () => {
    await withCluster(true, 'unlimited', 'models: [echo]', async (cluster) => {
      const before = await countScriptCalls();
      expect((await sendSpread(cluster.instances, 12, { model: 'echo', messages: [{ role: 'user', content: 'hi' }] })).admitted).toBe(12);
      expect(await countScriptCalls()).toBe(before);
    });
    await withCluster(true, 'limited', 'rpm: 100', async (cluster) => {
      const before = await countScriptCalls();
      await sendSpread(cluster.instances, 12, { model: 'echo', messages: [{ role: 'user', content: 'hi' }] });
      expect(await countScriptCalls()).toBe(before + 12);
    });
  });

  it('refuses to start with redis and a SQLite store, saying why', async () => {
    const config = parseConfig(configOf(true, 'sqlite', 'rpm: 1'), { file: 'cluster.yaml', env: {} });
    await expect(startSluice(config, { port: 0, store: 'sqlite::memory:' })).rejects.toThrow(/^redis needs a PostgreSQL store \(store: postgres:\/\/…\): a SQLite store is one file used by one Sluice instance/);
  });
});
