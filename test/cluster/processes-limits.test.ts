// Three Sluice processes (`node src/main.ts`, each its own OS process) on one real PostgreSQL: with
// one real Redis a key's rpm is exact across them and its tpm overshoots by at most one request;
// without Redis each process counts alone and the key gets about three times its limits — the
// violation the shared state prevents (docs/deploy.md "Redis: shared limits").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from './start-instances.ts';
import { sendSpread, startProcesses, type SluiceProcess } from './start-processes.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const rpm = 10;
const tpm = 1000;
/** Echo answers 56 prompt + 50 completion tokens: one request's overrun is at most 106. */
const oneRequestTokens = 106;
const tokenRequest = { model: 'echo', max_tokens: 50, messages: [{ role: 'user' as const, content: Array.from({ length: 50 }, () => 'word').join(' ') }] };
const hello = { model: 'echo', messages: [{ role: 'user' as const, content: 'hi' }] };

let redis: RedisServer;
let storeUrl: string;
let shared: SluiceProcess[] = [];
let alone: SluiceProcess[] = [];

/**
 * The keys' names differ per set so the two sets never share a stored key. `redis_timeout_ms: 2000`:
 * a loaded test machine can stretch a round trip past the 100 ms default, which would make a shared
 * decision local (the degraded mode, tested in redis-down.test.ts).
 */
function configOf(set: 'shared' | 'alone'): string {
  return `
store: ${storeUrl}
${set === 'shared' ? `redis: ${redis.url}\nredis_timeout_ms: 2000` : ''}
keys:
  - { name: rpm-${set}, key: sk-process-rpm-${set}, rpm: ${String(rpm)} }
  - { name: tpm-${set}, key: sk-process-tpm-${set}, tpm: ${String(tpm)} }
channels:
  - { name: echo, type: echo, models: [echo] }
`;
}

beforeAll(async () => {
  [redis, storeUrl] = await Promise.all([startRedis(), createDatabase('processes')]);
  [shared, alone] = await Promise.all([startProcesses(configOf('shared'), 3), startProcesses(configOf('alone'), 3)]);
}, 180_000);

afterAll(async () => {
  await Promise.all([...shared, ...alone].map((sluice) => sluice.stop()));
  await redis.stop();
});

describe('three processes with Redis', () => {
  it('admits exactly the rpm: 30 parallel requests spread round-robin, rpm 10 → 10', async () => {
    const pids = new Set(shared.map((sluice) => sluice.child.pid));
    expect(pids.size).toBe(3);
    const tally = await sendSpread(shared.map((sluice) => sluice.client('sk-process-rpm-shared')), 30, hello);
    expect(tally).toMatchObject({ admitted: rpm, limited: 30 - rpm });
  });

  it('spends at most the tpm plus one request', async () => {
    const tally = await sendSpread(shared.map((sluice) => sluice.client('sk-process-tpm-shared')), 30, tokenRequest);
    expect(tally.admitted).toBeGreaterThan(0);
    expect(tally.usedTokens).toBeLessThanOrEqual(tpm + oneRequestTokens);
  });
});

describe('three processes without Redis (the violation)', () => {
  it('admits three times the rpm: each process counts alone', async () => {
    const tally = await sendSpread(alone.map((sluice) => sluice.client('sk-process-rpm-alone')), 30, hello);
    expect(tally).toMatchObject({ admitted: 3 * rpm, limited: 0 });
  });

  it('spends about three times the tpm', async () => {
    const tally = await sendSpread(alone.map((sluice) => sluice.client('sk-process-tpm-alone')), 30, tokenRequest);
    expect(tally.usedTokens).toBeGreaterThan(2 * tpm + oneRequestTokens);
  });

  it('said so at start (the log is buffered: read once the process has stopped)', async () => {
    const [first] = alone as [SluiceProcess];
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('limits and concurrency are counted per instance');
  });
});
