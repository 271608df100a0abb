import { describe, expect, it } from 'vitest';
import type { RoutingPolicy } from '../core/routing-policy.ts';
import { ChannelStats, measurePolicy, strategyFor } from './channel-stats.ts';

const policy: RoutingPolicy = { strategy: 'latency', models: [['gpt-4o*', 'least_busy'], ['gpt-*', 'weighted']], slowStartMs: 10_000 };

function statsAt(start = 1_000) {
  const clock = { now: start };
  const inFlight = new Map<string, number>();
  const stats = new ChannelStats(policy, () => clock.now, (channel) => inFlight.get(channel) ?? 0);
  return { clock, inFlight, stats };
}

describe('strategyFor', () => {
  it('takes the first model glob that matches, else the strategy for all', () => {
    expect(strategyFor(policy, 'gpt-4o-mini')).toBe('least_busy');
    expect(strategyFor(policy, 'gpt-3.5-turbo')).toBe('weighted');
    expect(strategyFor(policy, 'claude-sonnet')).toBe('latency');
  });
});

describe('ChannelStats', () => {
  it('keeps an EWMA of the latency and of the error rate per channel', () => {
    const { stats } = statsAt();
    stats.recordSuccess('a', 100);
    stats.recordSuccess('a', 200);
    expect(stats.measure('a').latencyMs).toBeCloseTo(100 + measurePolicy.ewmaAlpha * 100);
    stats.recordFailure('a', 10);
    expect(stats.measure('a').errorRate).toBeCloseTo(measurePolicy.ewmaAlpha);
    expect(stats.measure('b')).toEqual({ inFlight: 0, latencyMs: undefined, errorRate: 0, weightFactor: 1 });
  });

  it('never lets a fast failure lower the latency estimate', () => {
    const { stats } = statsAt();
    stats.recordSuccess('a', 300);
    stats.recordFailure('a', 5);
    expect(stats.measure('a').latencyMs).toBe(300);
  });

  it('reads in flight from the slot gate', () => {
    const { stats, inFlight } = statsAt();
    inFlight.set('a', 4);
    expect(stats.measure('a').inFlight).toBe(4);
  });

  it('forgets a channel not measured for staleMs, so it is measured again', () => {
    const { stats, clock } = statsAt();
    stats.recordSuccess('a', 900);
    clock.now += measurePolicy.staleMs + 1;
    expect(stats.measure('a').latencyMs).toBeUndefined();
  });

  it('ramps a recovered channel from the floor to its whole weight over slow_start', () => {
    const { stats, clock } = statsAt();
    stats.recordFailure('a', 50);
    stats.recordRecovery('a');
    expect(stats.measure('a')).toMatchObject({ weightFactor: measurePolicy.slowStartFloor, errorRate: 0 });
    clock.now += 5_000;
    expect(stats.measure('a').weightFactor).toBeCloseTo(0.5);
    clock.now += 5_000;
    expect(stats.measure('a').weightFactor).toBe(1);
  });
});
