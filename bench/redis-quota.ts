// What one quota'd request costs (issue 15, docs/deploy.md "Quotas across instances"): the store
// path (a conditional UPDATE to reserve, another to settle, both awaited on PostgreSQL) against the
// Redis holds (one script call each) with the charges batched into the PostgreSQL ledger. Real
// PostgreSQL (embedded, as the tests use) and a real redis-server, on loopback. Reports, per request:
// latency p50/p99 at concurrency 1, Node CPU µs, round trips (PostgreSQL statements or transactions,
// Redis calls), and throughput at concurrency 32.
//   node bench/redis-quota.ts [--count 5000]
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { defaultQuotaLedgerPolicy, defaultRedisClientPolicy } from '../src/config/defaults.ts';
import { createStoreQuota, type KeyQuota } from '../src/server/key-quota.ts';
import { createSharedQuota } from '../src/server/shared-quota.ts';
import { openSharedState } from '../src/shared-state/open-shared-state.ts';
import { openStore, type KeyStore, type QuotaLedger } from '../src/store/index.ts';
import { startRedis } from '../test/cluster/start-redis.ts';
import { startEmbeddedPostgres } from '../test/store/start-embedded-postgres.ts';

const countFlag = process.argv.indexOf('--count');
const count = countFlag === -1 ? 5_000 : Number(process.argv[countFlag + 1]);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

let issued = 0;
async function oneRequest(quota: KeyQuota, keyId: string): Promise<void> {
  issued += 1;
  const answer = await quota.reserve(keyId, 120, `req_bench_${String(issued)}`);
  if (answer?.granted !== true) throw new Error('refused');
  answer.hold.settle(100);
}

interface Measured { p50: number; p99: number; cpuMicros: number; perSecond: number }

async function measure(quota: KeyQuota, keyId: string, drain: () => Promise<void>): Promise<Measured> {
  for (let index = 0; index < 200; index += 1) await oneRequest(quota, keyId);
  await drain();
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await oneRequest(quota, keyId);
    times.push((performance.now() - started) * 1000);
  }
  await drain();
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < count) {
      next += 1;
      await oneRequest(quota, keyId);
    }
  }));
  await drain();
  const perSecond = count / ((performance.now() - started) / 1000);
  return { p50: percentile(times, 50), p99: percentile(times, 99), cpuMicros: (used.user + used.system) / count, perSecond };
}

const postgres = await startEmbeddedPostgres();
const redis = await startRedis();
try {
  const admin = new Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('CREATE DATABASE sluice_bench_quota');
  await admin.end();
  const url = new URL(postgres.url);
  url.pathname = '/sluice_bench_quota';
  const store = await openStore(url.toString());
  const { record } = await store.keys.create({ name: 'bench', quotaTokens: 1_000_000_000_000 });
  // PostgreSQL transactions, counted where they are sent: each store-path call is one statement.
  let storeCalls = 0;
  const keys: KeyStore = {
    ...store.keys,
    reserveTokens: (id, tokens) => { storeCalls += 1; return store.keys.reserveTokens(id, tokens); },
    settleTokens: (id, reserved, used) => { storeCalls += 1; return store.keys.settleTokens(id, reserved, used); },
  };
  const storeQuota = createStoreQuota(keys, (error) => { throw error; });
  // The store path settles off the request path too; drain waits for the last settle to land.
  const settled = async (): Promise<void> => { await store.keys.get(record.id); };
  const storeResult = await measure(storeQuota, record.id, settled);

  const shared = await openSharedState(
    // A loaded machine stretches some round trips past the 100 ms bound: those would be measured as the store path.
    { url: redis.url, keyPrefix: 'bench:', fallbackInstances: 1, leaseMs: 30_000, leasePollMs: 25, policy: { ...defaultRedisClientPolicy, commandTimeoutMs: 2000 } },
    { onTransition: () => undefined, onDegraded: () => undefined, onSettleError: () => undefined },
  );
  let ledgerBatches = 0;
  let seeds = 0;
  const ledger: QuotaLedger = {
    record: (charges) => { ledgerBatches += 1; return store.quotaLedger.record(charges); },
    readSeed: (keyId) => { seeds += 1; return store.quotaLedger.readSeed(keyId); },
    prune: (before, batchRows) => store.quotaLedger.prune(before, batchRows),
  };
  let degraded = 0;
  const sharedQuota = createSharedQuota({ holds: shared.balances, keys: store.keys, ledger, policy: defaultQuotaLedgerPolicy, onDegraded: () => { degraded += 1; }, onSettleError: () => undefined, onChargesLost: (error) => { throw error; } });
  // Waits for the ledger: a reserve of an unseeded balance flushes this instance's charges first.
  const flushed = async (): Promise<void> => {
    await shared.balances.forget('tokens:' + record.id);
    await sharedQuota.reserve(record.id, 0, `req_bench_flush_${String(issued)}`);
  };
  const sharedResult = await measure(sharedQuota, record.id, flushed);
  await sharedQuota.close();
  await shared[Symbol.asyncDispose]();

  const requests = 200 + 2 * count;
  const show = (name: string, result: Measured, roundTrips: string) =>
    `| ${name} | ${result.p50.toFixed(0)} | ${result.p99.toFixed(0)} | ${result.cpuMicros.toFixed(1)} | ${roundTrips} | ${result.perSecond.toFixed(0)} |`;
  console.log(`${String(count)} requests per run; round trips over all ${String(requests)} (the Redis path's seeds: ${String(seeds)}; requests it sent to the store because Redis did not answer in time: ${String(degraded)})`);
  console.log('| path | p50 µs | p99 µs | Node CPU µs/request | round trips/request | requests/s at 32 |');
  console.log('|---|---|---|---|---|---|');
  console.log(show('store: conditional UPDATE ×2', storeResult, `${(storeCalls / requests).toFixed(2)} PostgreSQL`));
  console.log(show('Redis holds + ledger', sharedResult, `2 Redis + ${(ledgerBatches / requests).toFixed(3)} PostgreSQL transactions (${String(ledgerBatches)} ledger batches)`));
  await store.close();
} finally {
  await redis.stop();
  await postgres.stop();
}
