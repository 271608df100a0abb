// The attempt plan: for the model, then each of its fallbacks, the channels that serve it, by
// priority (lower first) and, within a priority, in the order of the model's balancing strategy
// (weighted random by default; routing/balance-strategy.ts).
import type { Channel } from '../core/channel.ts';
import { orderGroup } from '../routing/balance-strategy.ts';
import type { ChannelStats } from '../routing/channel-stats.ts';
import { strategyFor } from '../routing/channel-stats.ts';
import { findRoutes, type Route } from './find-routes.ts';

export interface Candidate extends Route {
  /** The client model name this candidate serves: the one asked for, or a fallback. */
  clientModel: string;
}

const unmeasured = { inFlight: 0, latencyMs: undefined, errorRate: 0, weightFactor: 1 };

export function planAttempts(
  channels: readonly Channel[],
  fallbacks: Readonly<Record<string, readonly string[]>>,
  model: string,
  random: () => number,
  stats?: ChannelStats,
): Candidate[] {
  const models = [model, ...(fallbacks[model] ?? [])];
  return models.flatMap((clientModel) => {
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
      orderGroup(
        strategy,
        routes.filter((route) => route.priority === priority),
        random,
      ).map(({ channel, upstreamModel }): Candidate => ({ channel, upstreamModel, clientModel })),
    );
  });
}
