import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../test/cluster/start-redis.ts';
import { defaultRedisClientPolicy } from '../config/defaults.ts';
import type { RateVerdict } from '../routing/rate-limits.ts';
import { openSharedState, type SharedState } from './open-shared-state.ts';

let redis: RedisServer;
let shared: SharedState;
const transitions: boolean[] = [];
let degraded = 0;

beforeAll(async () => {
  redis = await startRedis();
  shared = await openSharedState(
    { url: redis.url, keyPrefix: 'unit:', fallbackInstances: 4, leaseMs: 30_000, leasePollMs: 25, policy: defaultRedisClientPolicy },
    { onTransition: (up) => { transitions.push(up); }, onDegraded: () => { degraded += 1; }, onSettleError: () => undefined },
  );
});

afterAll(async () => {
  await shared[Symbol.asyncDispose]();
  await redis.stop();
});

async function reserve(key: string, limits: { rpm?: number; tpm?: number }, tokens: number): Promise<RateVerdict> {
  return await shared.rateLimits.reserve(key, { rpm: limits.rpm, tpm: limits.tpm }, tokens);
}

/** Settles go to Redis off the request path: wait until the next call sees them. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('SharedRateLimits on a real Redis', () => {
  it('answers a key without limits at once, without a promise', () => {
    expect(shared.rateLimits.reserve('free', { rpm: undefined, tpm: undefined }, 10)).toMatchObject({ allowed: true });
  });

  it('refuses past rpm with the wait until the next request, and gives a released request back', async () => {
    const first = await reserve('rpm', { rpm: 2 }, 0);
    expect((await reserve('rpm', { rpm: 2 }, 0)).allowed).toBe(true);
    const refused = await reserve('rpm', { rpm: 2 }, 0);
    expect(refused).toMatchObject({ allowed: false, limit: 'rpm' });
    if (refused.allowed || !first.allowed) throw new Error('unreachable');
    // 2 per minute: one request every 30 s.
    expect(refused.retryAfterSeconds).toBeGreaterThan(29);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(30);
    shared.rateLimits.release(first.reservation);
    await settled();
    expect((await reserve('rpm', { rpm: 2 }, 0)).allowed).toBe(true);
  });

  it('reserves tpm up front, refunds what was not used and charges an overrun', async () => {
    const first = await reserve('tpm', { tpm: 100 }, 80);
    if (!first.allowed) throw new Error('refused');
    expect((await reserve('tpm', { tpm: 100 }, 30)).allowed).toBe(false);
    shared.rateLimits.settle(first.reservation, 50);
    await settled();
    const second = await reserve('tpm', { tpm: 100 }, 30);
    if (!second.allowed) throw new Error('the refund did not reach Redis');
    shared.rateLimits.settle(second.reservation, 60);
    await settled();
    // 50 + 60 used: over the minute, so even one token waits.
    expect(await reserve('tpm', { tpm: 100 }, 1)).toMatchObject({ allowed: false, limit: 'tpm' });
  });

  it('lets a request larger than the whole minute in on a full bucket, as the in-process buckets do', async () => {
    expect((await reserve('huge', { tpm: 100 }, 500)).allowed).toBe(true);
    expect((await reserve('huge', { tpm: 100 }, 1)).allowed).toBe(false);
  });

  it('decides on this instance\'s share while Redis is down, without waiting', async () => {
    await redis.kill();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const verdicts = Array.from({ length: 4 }, () => shared.rateLimits.reserve('down', { rpm: 12, tpm: undefined }, 0));
      // 12 / 4 instances: 3 here, decided synchronously.
      expect(verdicts.map((verdict) => (verdict instanceof Promise ? 'waited' : verdict.allowed))).toEqual([true, true, true, false]);
      expect(degraded).toBe(4);
      expect(shared.status.describe().redis).toBe('down');
      expect(transitions).toEqual([true, false]);
    } finally {
      await redis.restart();
    }
  });
});
