// What one shared rpm/tpm admission costs (issue 15, docs/deploy.md "Redis: shared limits"): the
// in-process buckets (routing/rate-limits.ts) against the Redis GCRA script (shared-state/), each
// reserve + settle, on a real redis-server on loopback. Reports latency (p50/p99 at concurrency 1),
// Node CPU µs per admission and Redis CPU µs per admission (INFO cpu), and throughput at
// concurrency 32 (the client pipelines each tick).
//   node bench/redis-admission.ts [--count 20000]
import { performance } from 'node:perf_hooks';
import { createClient } from '@redis/client';
import { RateLimits } from '../src/routing/rate-limits.ts';
import { openSharedState } from '../src/shared-state/open-shared-state.ts';
import { defaultRedisClientPolicy } from '../src/config/defaults.ts';
import { startRedis } from '../test/cluster/start-redis.ts';

const countFlag = process.argv.indexOf('--count');
const count = countFlag === -1 ? 20_000 : Number(process.argv[countFlag + 1]);
const bothLimits = { rpm: 1_000_000_000, tpm: 1_000_000_000 };
const rpmOnly = { rpm: 1_000_000_000, tpm: undefined };
let limits: { rpm: number; tpm: number | undefined } = bothLimits;

interface Limiter {
  reserve: RateLimits['reserve'] | ((...args: Parameters<RateLimits['reserve']>) => ReturnType<RateLimits['reserve']> | Promise<ReturnType<RateLimits['reserve']>>);
  settle: RateLimits['settle'];
}

async function admitOnce(limiter: Limiter, key: string): Promise<void> {
  const pending = limiter.reserve(key, limits, 120);
  const verdict = pending instanceof Promise ? await pending : pending;
  if (!verdict.allowed) throw new Error('refused');
  limiter.settle(verdict.reservation, 100);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function measureSerial(limiter: Limiter): Promise<{ p50: number; p99: number; cpuMicros: number }> {
  for (let index = 0; index < 500; index += 1) await admitOnce(limiter, 'warm');
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await admitOnce(limiter, `key-${String(index % 100)}`);
    times.push((performance.now() - started) * 1000);
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), cpuMicros: (used.user + used.system) / count };
}

async function measureParallel(limiter: Limiter, concurrency: number): Promise<{ perSecond: number; cpuMicros: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next += 1;
      await admitOnce(limiter, `key-${String(next % 100)}`);
    }
  }));
  const used = process.cpuUsage(cpu);
  return { perSecond: count / ((performance.now() - started) / 1000), cpuMicros: (used.user + used.system) / count };
}

async function redisCpuMicros(url: string): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  const info = await client.info('cpu');
  await client.close();
  const read = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (read('used_cpu_user') + read('used_cpu_sys')) * 1e6;
}

const redis = await startRedis();
const shared = await openSharedState(
  { url: redis.url, keyPrefix: 'bench:', fallbackInstances: 1, leaseMs: 30_000, leasePollMs: 25, policy: { ...defaultRedisClientPolicy, commandTimeoutMs: 1000 } },
  { onTransition: () => undefined, onDegraded: () => { throw new Error('Redis was not used'); }, onSettleError: (error) => { throw error; } },
);
try {
  const local = new RateLimits(Date.now);
  const rows: string[] = [];
  const localSerial = await measureSerial(local);
  rows.push(`| in-process buckets | ${localSerial.p50.toFixed(1)} | ${localSerial.p99.toFixed(1)} | ${localSerial.cpuMicros.toFixed(1)} | 0 | ${(await measureParallel(local, 32)).perSecond.toFixed(0)} |`);
  for (const [name, chosen] of [['rpm only: 1 script call', rpmOnly], ['rpm + tpm, usage ≠ estimate: 2 script calls (admit, settle)', bothLimits]] as const) {
    limits = chosen;
    const redisBefore = await redisCpuMicros(redis.url);
    const sharedSerial = await measureSerial(shared.rateLimits);
    const redisSerial = ((await redisCpuMicros(redis.url)) - redisBefore) / (count + 500);
    const parallel = await measureParallel(shared.rateLimits, 32);
    rows.push(`| Redis GCRA, ${name} | ${sharedSerial.p50.toFixed(1)} | ${sharedSerial.p99.toFixed(1)} | ${sharedSerial.cpuMicros.toFixed(1)} | ${redisSerial.toFixed(1)} | ${parallel.perSecond.toFixed(0)} (Node CPU ${parallel.cpuMicros.toFixed(1)} µs each) |`);
  }
  console.log(`${String(count)} admissions per line, Node ${process.version}\n`);
  console.log('| limiter | latency p50 µs (c=1) | p99 µs | Node CPU µs / admission | Redis CPU µs / admission | admissions/s at c=32 |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
} finally {
  await shared[Symbol.asyncDispose]();
  await redis.stop();
}
