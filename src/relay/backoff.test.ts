import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.ts';

const policy = { attempts: 5, baseMs: 100, maxMs: 1000, maxRetryAfterMs: 5000 };

describe('backoffDelayMs', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    const delays = [1, 2, 3, 4, 5].map((tries) => backoffDelayMs(tries, policy, { random: () => 0.999999, retryAfterSeconds: undefined, remainingMs: 1e9 }));
    expect(delays.map((delay) => Math.round(delay ?? -1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelayMs(4, policy, { random: () => 0, retryAfterSeconds: undefined, remainingMs: 1e9 })).toBe(0);
    expect(backoffDelayMs(4, policy, { random: () => 0.5, retryAfterSeconds: undefined, remainingMs: 1e9 })).toBe(400);
  });

  it("honours the upstream's Retry-After up to the cap", () => {
    expect(backoffDelayMs(1, policy, { random: () => 0.5, retryAfterSeconds: 2, remainingMs: 1e9 })).toBe(2000);
    expect(backoffDelayMs(1, policy, { random: () => 0.5, retryAfterSeconds: 6, remainingMs: 1e9 })).toBeUndefined();
  });

  it('never sleeps past the deadline', () => {
    expect(backoffDelayMs(1, policy, { random: () => 0.5, retryAfterSeconds: 2, remainingMs: 1500 })).toBeUndefined();
    expect(backoffDelayMs(3, policy, { random: () => 0.5, retryAfterSeconds: undefined, remainingMs: 100 })).toBeUndefined();
  });
});
