import { describe, expect, it } from 'vitest';
import { RateLimits } from './rate-limits.ts';

function limits() {
  let now = 0;
  return { limits: new RateLimits(() => now), advance: (ms: number) => (now += ms) };
}

describe('RateLimits', () => {
  it('lets rpm requests in per minute and says when the next one may come', () => {
    const { limits: rate, advance } = limits();
    for (let i = 0; i < 3; i += 1) expect(rate.admit('k', 3, undefined).allowed).toBe(true);
    const refused = rate.admit('k', 3, undefined);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 20, limit: 'rpm' });
    advance(20_000);
    expect(rate.admit('k', 3, undefined).allowed).toBe(true);
  });

  it('refuses once the tokens of a minute are spent, until they refill', () => {
    const { limits: rate, advance } = limits();
    expect(rate.admit('k', undefined, 600).allowed).toBe(true);
    rate.spend('k', 600, 700);
    const refused = rate.admit('k', undefined, 600);
    expect(refused.allowed).toBe(false);
    expect(refused.limit).toBe('tpm');
    expect(refused.retryAfterSeconds).toBeCloseTo(10.1, 5);
    advance(10_100);
    expect(rate.admit('k', undefined, 600).allowed).toBe(true);
  });

  it('keeps keys apart and lets keys without limits through', () => {
    const { limits: rate } = limits();
    rate.admit('a', 1, undefined);
    expect(rate.admit('b', 1, undefined).allowed).toBe(true);
    expect(rate.admit('c', undefined, undefined).allowed).toBe(true);
  });
});
