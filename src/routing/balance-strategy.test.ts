import { describe, expect, it, vi } from 'vitest';
import { costOf, orderGroup, pickByLatency, pickLeastBusy, type ChannelMeasure, type Measured } from './balance-strategy.ts';

/** A random source that returns these numbers in turn (then the last one again). */
function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[Math.min(index++, values.length - 1)] ?? 0;
}

const measured = (name: string, weight: number, measure: Partial<ChannelMeasure>): Measured & { name: string } => ({
  name,
  priority: 0,
  weight,
  measure: { inFlight: 0, latencyMs: undefined, errorRate: 0, weightFactor: 1, ...measure },
});

describe('least_busy', () => {
  it('picks the channel with the fewest requests in flight, whatever the random draw', () => {
    const items = [measured('a', 1, { inFlight: 3 }), measured('b', 1, { inFlight: 1 }), measured('c', 5, { inFlight: 2 })];
    for (const draw of [0, 0.5, 0.99]) expect(pickLeastBusy(items, () => draw)).toBe(1);
  });

  it('breaks a tie by weight', () => {
    const items = [measured('a', 1, { inFlight: 0 }), measured('b', 3, { inFlight: 0 }), measured('busy', 100, { inFlight: 1 })];
    expect(pickLeastBusy(items, () => 0.2)).toBe(0);
    expect(pickLeastBusy(items, () => 0.3)).toBe(1);
  });

  it('orders the whole group by load for failover', () => {
    const items = [measured('a', 1, { inFlight: 2 }), measured('b', 1, { inFlight: 0 }), measured('c', 1, { inFlight: 1 })];
    expect(orderGroup('least_busy', items, () => 0).map((item) => item.name)).toEqual(['b', 'c', 'a']);
  });
});

describe('latency', () => {
  const fast = measured('fast', 1, { latencyMs: 100 });
  const slow = measured('slow', 1, { latencyMs: 500 });
  const other = measured('other', 1, { latencyMs: 120 });

  it('of the two drawn, takes the one with the lower measured latency', () => {
    // Draws: first index floor(0.99 × 3) = 2 (slow), second floor(0 × 2) = 0 (fast).
    expect(pickByLatency([fast, other, slow], sequence(0.99, 0))).toBe(0);
    // slow and other: other is cheaper.
    expect(pickByLatency([fast, other, slow], sequence(0.99, 0.9))).toBe(1);
  });

  it('never picks the slowest of three when it is drawn with any other', () => {
    for (const first of [0, 0.4, 0.8]) for (const second of [0, 0.6]) expect(pickByLatency([fast, other, slow], sequence(first, second))).not.toBe(2);
  });

  it('counts the error rate: 10 % errors double the cost', () => {
    expect(costOf({ inFlight: 0, latencyMs: 100, errorRate: 0.1, weightFactor: 1 }, 1, 0)).toBeCloseTo(200);
    const flaky = measured('flaky', 1, { latencyMs: 100, errorRate: 0.5 });
    expect(pickByLatency([flaky, other], sequence(0, 0))).toBe(1);
  });

  it('divides the cost by the weight, ramped by the slow start', () => {
    const heavy = measured('heavy', 4, { latencyMs: 300 });
    expect(pickByLatency([heavy, fast], sequence(0, 0))).toBe(0);
    const recovering = measured('recovering', 4, { latencyMs: 300, weightFactor: 0.1 });
    expect(pickByLatency([recovering, fast], sequence(0, 0))).toBe(1);
  });

  it('counts requests in flight (peak EWMA), so a busy fast channel yields to an idle one', () => {
    const busyFast = measured('busy', 1, { latencyMs: 100, inFlight: 9 });
    expect(pickByLatency([busyFast, other], sequence(0, 0))).toBe(1);
  });

  it('gives an unmeasured channel the best measured latency of its group, so it gets measured', () => {
    const fresh = measured('fresh', 1, {});
    // Draws slow (index 0) and fresh (index 2): fresh borrows fast's 100 ms.
    expect(pickByLatency([slow, fast, fresh], sequence(0, 0.99))).toBe(2);
    expect(costOf(fresh.measure, 1, 100)).toBe(100);
  });

  it('orders the rest for failover by the same rule', () => {
    expect(orderGroup('latency', [slow, fast, other], sequence(0, 0)).map((item) => item.name)).toEqual(['fast', 'other', 'slow']);
  });
});

describe('weighted', () => {
  it('is the weighted random order of choose-channel, untouched by measures', () => {
    const items = [measured('a', 1, { latencyMs: 1 }), measured('b', 3, { latencyMs: 999, inFlight: 50 })];
    expect(orderGroup('weighted', items, () => 0.5).map((item) => item.name)).toEqual(['b', 'a']);
    expect(orderGroup('weighted', items, () => 0.1).map((item) => item.name)).toEqual(['a', 'b']);
  });
});

describe('orderGroup', () => {
  it('orders a group of one without drawing from the random source, whatever the strategy', () => {
    const only = { priority: 0, weight: 1, measure: { inFlight: 3, latencyMs: 20, errorRate: 0, weightFactor: 1 } };
    for (const strategy of ['weighted', 'least_busy', 'latency'] as const) {
      const random = vi.fn(() => 0.5);
      expect(orderGroup(strategy, [only], random)).toEqual([only]);
      expect(random).not.toHaveBeenCalled();
    }
  });
});
