// What one leased `max_concurrency` slot costs (issue 15, docs/deploy.md "Leased concurrency"): the
// in-process gate (routing/concurrency-gate.ts) against a lease in Redis (shared-state/leased-slots.ts),
// each take + give back, on a real redis-server on loopback. Reports latency at concurrency 1 and
// Node CPU µs per slot.
//   node bench/redis-leases.ts [--count 20000]
import { performance } from 'node:perf_hooks';
import { ConcurrencyGate, type SlotGate } from '../src/routing/concurrency-gate.ts';
import { openSharedState } from '../src/shared-state/open-shared-state.ts';
import { defaultRedisClientPolicy } from '../src/config/defaults.ts';
import { startRedis } from '../test/cluster/start-redis.ts';

const countFlag = process.argv.indexOf('--count');
const count = countFlag === -1 ? 20_000 : Number(process.argv[countFlag + 1]);

async function takeOnce(gate: SlotGate, name: string): Promise<void> {
  const entered = gate.tryEnter(name, 1_000_000);
  if (!(entered instanceof Promise ? await entered : entered)) throw new Error('refused');
  gate.leave(name);
}

async function measure(gate: SlotGate): Promise<{ p50: number; p99: number; cpuMicros: number }> {
  for (let index = 0; index < 500; index += 1) await takeOnce(gate, 'warm');
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await takeOnce(gate, `channel-${String(index % 20)}`);
    times.push((performance.now() - started) * 1000);
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor((times.length * p) / 100))] ?? 0;
  return { p50: at(50), p99: at(99), cpuMicros: (used.user + used.system) / count };
}

const redis = await startRedis();
const shared = await openSharedState(
  { url: redis.url, keyPrefix: 'bench:', fallbackInstances: 1, leaseMs: 30_000, leasePollMs: 25, policy: { ...defaultRedisClientPolicy, commandTimeoutMs: 1000 } },
  { onTransition: () => undefined, onDegraded: () => { throw new Error('Redis was not used'); }, onSettleError: (error) => { throw error; }, onLeaseError: (error) => { throw error; } },
);
try {
  console.log(`${String(count)} slots taken and given back per line, Node ${process.version}\n`);
  console.log('| gate | latency p50 µs (c=1) | p99 µs | Node CPU µs / slot (take + release) |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, gate] of [['in-process gate', new ConcurrencyGate()], ['Redis lease (1 script call + 1 ZREM off the path)', shared.channelSlots]] as const) {
    const result = await measure(gate);
    console.log(`| ${name} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ${result.cpuMicros.toFixed(1)} |`);
  }
} finally {
  await shared[Symbol.asyncDispose]();
  await redis.stop();
}
