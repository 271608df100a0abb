// The hold scripts (hold-scripts.ts) on a real redis-server: reserve against a seeded balance,
// settle to what was used (overruns charged unclamped), expiry of an instance's forgotten holds,
// forgetting a balance so it is seeded again, and the answer while Redis is away.
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../test/cluster/start-redis.ts';
import { defaultRedisClientPolicy } from '../config/defaults.ts';
import { BalanceHolds } from './balance-holds.ts';
import { openSharedState, type SharedState } from './open-shared-state.ts';

let redis: RedisServer;
let shared: SharedState;
let inspector: ReturnType<typeof createClient>;

beforeAll(async () => {
  redis = await startRedis();
  shared = await openSharedState(
    { url: redis.url, keyPrefix: 'unit:', fallbackInstances: 1, leaseMs: 30_000, leasePollMs: 25, holdLifeMs: 60_000, policy: defaultRedisClientPolicy },
    { onTransition: () => undefined, onDegraded: () => undefined, onSettleError: () => undefined },
  );
  inspector = createClient({ url: redis.url });
  await inspector.connect();
});

afterAll(async () => {
  await inspector.close();
  await shared[Symbol.asyncDispose]();
  await redis.stop();
});

const seed = (balance: number, version = 1) => ({ balance, version });

describe('BalanceHolds on a real Redis', () => {
  it('answers unseeded for a balance it does not have, and never creates one by a settle', async () => {
    expect(await shared.balances.reserve('cold', 10, 'r1')).toEqual({ kind: 'unseeded' });
    expect(await shared.balances.settle('cold', 'r1', 10)).toBe(true);
    expect(await inspector.hGet('unit:balance:{cold}', 'bal')).toBeNull();
  });

  it('grants exactly what the balance covers to 200 concurrent holds, and the same hold id twice holds once', async () => {
    expect(await shared.balances.reserve('race', 100, 'first', seed(1000))).toEqual({ kind: 'held', available: 900 });
    expect(await shared.balances.reserve('race', 100, 'first')).toEqual({ kind: 'held', available: 900 });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, index) => shared.balances.reserve('race', 100, `r${String(index)}`)));
    expect(answers.filter((answer) => answer.kind === 'held')).toHaveLength(9);
    expect(answers.filter((answer) => answer.kind === 'short')).toHaveLength(191);
    // A seed given once the balance exists changes nothing: the first seed stands.
    expect(await shared.balances.reserve('race', 1, 'late', seed(5000))).toEqual({ kind: 'short', available: 0 });
  });

  it('settles to what was used: the rest comes back, an overrun is charged below zero', async () => {
    await shared.balances.reserve('settle', 300, 'a', seed(500));
    expect(await shared.balances.reserve('settle', 250, 'b')).toEqual({ kind: 'short', available: 200 });
    expect(await shared.balances.settle('settle', 'a', 120)).toBe(true);
    expect(await shared.balances.reserve('settle', 380, 'c')).toEqual({ kind: 'held', available: 0 });
    await shared.balances.settle('settle', 'c', 400);
    expect(await inspector.hGet('unit:balance:{settle}', 'bal')).toBe('-20');
    expect(await inspector.hGet('unit:balance:{settle}', 'held')).toBe('0');
    expect(await shared.balances.reserve('settle', 0, 'd')).toEqual({ kind: 'short', available: -20 });
  });

  it('gives an expired hold back (an instance that died), and charges its late settle in full', async () => {
    const brief = await openSharedState(
      { url: redis.url, keyPrefix: 'unit:', fallbackInstances: 1, leaseMs: 30_000, leasePollMs: 25, holdLifeMs: 50, policy: defaultRedisClientPolicy },
      { onTransition: () => undefined, onDegraded: () => undefined, onSettleError: () => undefined },
    );
    try {
      expect(await brief.balances.reserve('expiry', 80, 'lost', seed(100))).toEqual({ kind: 'held', available: 20 });
      expect(await brief.balances.reserve('expiry', 80, 'next')).toEqual({ kind: 'short', available: 20 });
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await brief.balances.reserve('expiry', 80, 'next')).toEqual({ kind: 'held', available: 20 });
      expect(await inspector.zCard('unit:balance-holds:{expiry}')).toBe(1);
      // The lost request's settle still charges what it used (its hold is gone, nothing to give back).
      await brief.balances.settle('expiry', 'lost', 30);
      expect(await inspector.hGet('unit:balance:{expiry}', 'bal')).toBe('70');
    } finally {
      await brief[Symbol.asyncDispose]();
    }
  });

  it('answers unavailable at once while Redis does not answer, so the caller decides without it', async () => {
    const away = new BalanceHolds({ client: createClient({ url: redis.url }) as never, status: { usable: false } as never, keyPrefix: 'unit:', holdLifeMs: 1000, commandTimeoutMs: 100 });
    expect(await away.reserve('any', 1, 'r', seed(10))).toEqual({ kind: 'unavailable' });
    expect(await away.settle('any', 'r', 1)).toBe(false);
    expect(await away.forget('any')).toBe(false);
  });

  it('drops a balance for a reseed unless it was seeded at the change\'s version or later; holds stay', async () => {
    await shared.balances.reserve('change', 100, 'h', seed(1000, 7));
    expect(await shared.balances.forget('change', 7)).toBe(true);
    expect(await shared.balances.reserve('change', 1, 'x')).toEqual({ kind: 'held', available: 899 });
    await shared.balances.forget('change', 8);
    expect(await shared.balances.reserve('change', 1, 'y')).toEqual({ kind: 'unseeded' });
    // The store's balance has no holds in it (requests in flight are not charged yet): the open hold still counts.
    expect(await shared.balances.reserve('change', 10, 'y', seed(2000, 8))).toEqual({ kind: 'held', available: 2000 - 101 - 10 });
    await shared.balances.forget('change');
    expect(await shared.balances.reserve('change', 1, 'z')).toEqual({ kind: 'unseeded' });
  });
});
