import { describe, expect, it } from 'vitest';
import { RateLimits, type RateVerdict } from './rate-limits.ts';

function limits() {
  let now = 0;
  return { limits: new RateLimits(() => now), advance: (ms: number) => (now += ms) };
}

function reservationOf(verdict: RateVerdict) {
  if (!verdict.allowed) throw new Error('expected the request to be let in');
  return verdict.reservation;
}

describe('RateLimits', () => {
  it('lets rpm requests in per minute and says when the next one may come', () => {
    const { limits: rate, advance } = limits();
    for (let i = 0; i < 3; i += 1) expect(rate.reserve('k', { rpm: 3, tpm: undefined }, 0).allowed).toBe(true);
    const refused = rate.reserve('k', { rpm: 3, tpm: undefined }, 0);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 20, limit: 'rpm' });
    advance(20_000);
    expect(rate.reserve('k', { rpm: 3, tpm: undefined }, 0).allowed).toBe(true);
  });

  it('reserves token estimates up front, so parallel requests cannot overshoot tpm', () => {
    const { limits: rate } = limits();
    const verdicts = Array.from({ length: 50 }, () => rate.reserve('k', { rpm: undefined, tpm: 300 }, 100));
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(3);
    const refused = verdicts.at(-1);
    expect(refused).toMatchObject({ allowed: false, limit: 'tpm' });
    // 100 tokens at 300 per minute: 20 s.
    expect(refused?.allowed === false ? refused.retryAfterSeconds : 0).toBeCloseTo(20, 5);
  });

  it('settles to the real usage: the rest goes back, an overrun is taken and waited out', () => {
    const { limits: rate, advance } = limits();
    const small = reservationOf(rate.reserve('k', { rpm: undefined, tpm: 600 }, 500));
    rate.settle(small, 100);
    const large = reservationOf(rate.reserve('k', { rpm: undefined, tpm: 600 }, 500));
    rate.settle(large, 800);
    // 600 − 100 − 800 = −300: the next 1-token request waits for 301 tokens, 30.1 s at 600 per minute.
    const refused = rate.reserve('k', { rpm: undefined, tpm: 600 }, 1);
    expect(refused.allowed ? 0 : refused.retryAfterSeconds).toBeCloseTo(30.1, 5);
    advance(30_100);
    expect(rate.reserve('k', { rpm: undefined, tpm: 600 }, 1).allowed).toBe(true);
  });

  it('lets a request larger than a minute of tokens in on a full bucket', () => {
    const { limits: rate } = limits();
    expect(rate.reserve('k', { rpm: undefined, tpm: 100 }, 5000).allowed).toBe(true);
    expect(rate.reserve('k', { rpm: undefined, tpm: 100 }, 1).allowed).toBe(false);
  });

  it('takes nothing when one limit refuses, and gives everything back on release', () => {
    const { limits: rate } = limits();
    const both = { rpm: 2, tpm: 100 };
    expect(rate.reserve('k', both, 80).allowed).toBe(true);
    expect(rate.reserve('k', both, 50)).toMatchObject({ allowed: false, limit: 'tpm' });
    const last = reservationOf(rate.reserve('k', both, 10));
    expect(rate.reserve('k', both, 0)).toMatchObject({ allowed: false, limit: 'rpm' });
    rate.release(last);
    expect(rate.reserve('k', both, 20).allowed).toBe(true);
  });

  it('keeps keys apart and lets keys without limits through', () => {
    const { limits: rate } = limits();
    rate.reserve('a', { rpm: 1, tpm: undefined }, 0);
    expect(rate.reserve('b', { rpm: 1, tpm: undefined }, 0).allowed).toBe(true);
    expect(rate.reserve('c', { rpm: undefined, tpm: undefined }, 10).allowed).toBe(true);
  });
});
