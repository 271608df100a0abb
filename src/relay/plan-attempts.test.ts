// The attempt plan, held to its first formulation (a flatMap over the models, a filter per
// priority) over random channel sets, fallbacks and strategies: same candidates, same order, the
// same draws from the random source.
import { describe, expect, it } from 'vitest';
import type { Channel } from '../core/channel.ts';
import type { BalanceStrategy } from '../core/routing-policy.ts';
import { orderGroup } from '../routing/balance-strategy.ts';
import { ChannelStats, strategyFor } from '../routing/channel-stats.ts';
import { seededRandom } from '../../test/stream-path/generate-upstream-stream.ts';
import { findRoutes } from './find-routes.ts';
import { planAttempts, type Candidate } from './plan-attempts.ts';

const unmeasured = { inFlight: 0, latencyMs: undefined, errorRate: 0, weightFactor: 1 };

/** The plan as it was first written: the specification the loops must keep. */
function referencePlan(channels: readonly Channel[], fallbacks: Readonly<Record<string, readonly string[]>>, model: string, random: () => number, stats?: ChannelStats): Candidate[] {
  return [model, ...(fallbacks[model] ?? [])].flatMap((clientModel) => {
    const strategy = stats === undefined ? 'weighted' : strategyFor(stats.policy, clientModel);
    const routes = findRoutes(channels, clientModel).map((route) => ({
      ...route,
      clientModel,
      priority: route.channel.priority,
      weight: route.channel.weight,
      measure: strategy === 'weighted' || stats === undefined ? unmeasured : stats.measure(route.channel.name),
    }));
    const priorities = [...new Set(routes.map((route) => route.priority))].sort((a, b) => a - b);
    return priorities.flatMap((priority) =>
      orderGroup(strategy, routes.filter((route) => route.priority === priority), random).map(({ channel, upstreamModel }): Candidate => ({ channel, upstreamModel, clientModel })),
    );
  });
}

const modelNames = ['m1', 'm2', 'm3', 'gpt-4o', 'alias'];
const strategies: BalanceStrategy[] = ['weighted', 'least_busy', 'latency'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomChannels(random: () => number): Channel[] {
  return Array.from({ length: Math.floor(random() * 7) }, (_, index) => {
    const models = modelNames.filter(() => random() < 0.4);
    if (random() < 0.3) models.push('gpt-*');
    const modelMap: Record<string, string> = random() < 0.3 ? { alias: `up-${String(index)}` } : {};
    return { name: `c${String(index)}`, type: 'openai', priority: Math.floor(random() * 3), weight: 1 + Math.floor(random() * 4), models, modelMap } as unknown as Channel;
  });
}

/** A source that records its draws, so both plans can be held to the same sequence. */
function recording(seed: number): { random: () => number; draws: number[] } {
  const source = seededRandom(seed);
  const draws: number[] = [];
  return {
    draws,
    random: () => {
      const value = source();
      draws.push(value);
      return value;
    },
  };
}

describe('planAttempts', () => {
  it('plans what the first formulation planned, drawing the same random numbers, over 3,000 random setups', () => {
    const setup = seededRandom(7);
    for (let run = 0; run < 3000; run += 1) {
      const channels = randomChannels(setup);
      const fallbacks = setup() < 0.5 ? { m1: ['m2', 'alias'], 'gpt-4o': ['m3'] } : {};
      const model = pick(setup, modelNames);
      const strategy = pick(setup, strategies);
      const now = 1_000_000;
      const stats = setup() < 0.2 ? undefined : new ChannelStats({ strategy, models: [['m2', 'least_busy']], slowStartMs: 0 }, () => now, (channel) => channel.length % 3);
      stats?.recordSuccess('c1', 20);
      stats?.recordSuccess('c2', 5);
      const seed = Math.floor(setup() * 1e9);
      const head = recording(seed);
      const reference = recording(seed);
      expect(planAttempts(channels, fallbacks, model, head.random, stats)).toEqual(referencePlan(channels, fallbacks, model, reference.random, stats));
      expect(head.draws).toEqual(reference.draws);
    }
  });

  it('gives an empty plan for a model no channel serves', () => {
    expect(planAttempts([{ name: 'a', type: 'openai', priority: 0, weight: 1, models: ['m1'], modelMap: {} } as unknown as Channel], {}, 'other', Math.random)).toEqual([]);
  });
});
