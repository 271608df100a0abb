import { describe, expect, it } from 'vitest';
import { RefusalRowLimiter, isRefusedBeforeAuthentication } from './limit-refusal-rows.ts';

function limiter(policy = { rowsPerWindow: 2, windowMs: 1000, maxAddresses: 2 }) {
  let now = 0;
  const reached: string[] = [];
  let suppressed = 0;
  const rows = new RefusalRowLimiter(
    {
      onLimitReached: (address) => reached.push(address),
      onSuppressed: () => {
        suppressed += 1;
      },
    },
    { policy, now: () => now },
  );
  return { rows, reached, suppressed: () => suppressed, advance: (ms: number) => (now += ms) };
}

describe('RefusalRowLimiter', () => {
  it('admits a few refusals per address and window, then only counts them, saying so once', () => {
    const { rows, reached, suppressed } = limiter();
    expect([1, 2, 3, 4, 5].map(() => rows.admit('10.0.0.1'))).toEqual([true, true, false, false, false]);
    expect(rows.admit('10.0.0.2')).toBe(true);
    expect(reached).toEqual(['10.0.0.1']);
    expect(suppressed()).toBe(3);
  });

  it('starts a new window for an address once its window ended', () => {
    const { rows, advance } = limiter();
    rows.admit('a');
    rows.admit('a');
    expect(rows.admit('a')).toBe(false);
    advance(1000);
    expect(rows.admit('a')).toBe(true);
  });

  it('tracks a bounded number of addresses: the rest share one bucket, ended windows are forgotten', () => {
    const { rows, advance } = limiter();
    rows.admit('a');
    rows.admit('b');
    expect([rows.admit('c'), rows.admit('d'), rows.admit('e')]).toEqual([true, true, false]);
    expect(rows.trackedAddresses).toBe(3);
    for (let index = 0; index < 1000; index += 1) rows.admit(`random-${String(index)}`);
    expect(rows.trackedAddresses).toBe(3);
    advance(1000);
    expect(rows.admit('f')).toBe(true);
    expect(rows.trackedAddresses).toBe(1);
  });

  it('applies to a missing or unknown client key only', () => {
    expect(['missing_api_key', 'invalid_api_key', 'rate_limited', 'admin_key_required'].map(isRefusedBeforeAuthentication)).toEqual([true, true, false, false]);
  });
});
