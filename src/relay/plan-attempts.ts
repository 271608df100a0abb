// The attempt plan: for the model, then each of its fallbacks, the channels that serve it, by
// priority (lower first) and, within a priority, in the order of the model's balancing strategy
// (weighted random by default; routing/balance-strategy.ts).
// Runs once per request: plain loops, no per-route spreads or Set (docs/benchmarks.md "Fixed
// per-request work, round seven").
import type { Channel } from '../core/channel.ts';
import type { BalanceStrategy } from '../core/routing-policy.ts';
import { orderGroup, type ChannelMeasure } from '../routing/balance-strategy.ts';
import type { ChannelStats } from '../routing/channel-stats.ts';
import { strategyFor } from '../routing/channel-stats.ts';
import { findRoute, type Route } from './find-routes.ts';

export interface Candidate extends Route {
  /** The client model name this candidate serves: the one asked for, or a fallback. */
  clientModel: string;
}

interface MeasuredRoute extends Candidate {
  priority: number;
  weight: number;
  measure: ChannelMeasure;
}

const unmeasured = { inFlight: 0, latencyMs: undefined, errorRate: 0, weightFactor: 1 };

/** The routes serving one client model, each with what its strategy reads. */
function measuredRoutes(channels: readonly Channel[], clientModel: string, strategy: BalanceStrategy, stats: ChannelStats | undefined): MeasuredRoute[] {
  const routes: MeasuredRoute[] = [];
  for (const channel of channels) {
    const route = findRoute(channel, clientModel);
    if (route === undefined) continue;
    const measure = strategy === 'weighted' || stats === undefined ? unmeasured : stats.measure(channel.name);
    routes.push({ channel, upstreamModel: route.upstreamModel, clientModel, priority: channel.priority, weight: channel.weight, measure });
  }
  return routes;
}

/** One client model's candidates, appended to the plan: each priority group (ascending) in its strategy's order. */
function planModel(plan: Candidate[], channels: readonly Channel[], clientModel: string, random: () => number, stats: ChannelStats | undefined): void {
  const strategy = stats === undefined ? 'weighted' : strategyFor(stats.policy, clientModel);
  // A stable sort keeps each priority group in channel order, as a filter per priority would.
  const routes = measuredRoutes(channels, clientModel, strategy, stats);
  // One channel serves the model (the usual case): nothing to order (orderGroup draws nothing for one either).
  if (routes.length === 1) {
    const { channel, upstreamModel } = routes[0] as MeasuredRoute;
    plan.push({ channel, upstreamModel, clientModel });
    return;
  }
  routes.sort((a, b) => a.priority - b.priority);
  for (let start = 0; start < routes.length; ) {
    let end = start + 1;
    while (end < routes.length && routes[end]?.priority === routes[start]?.priority) end += 1;
    for (const { channel, upstreamModel } of orderGroup(strategy, start === 0 && end === routes.length ? routes : routes.slice(start, end), random)) {
      plan.push({ channel, upstreamModel, clientModel });
    }
    start = end;
  }
}

export function planAttempts(
  channels: readonly Channel[],
  fallbacks: Readonly<Record<string, readonly string[]>>,
  model: string,
  random: () => number,
  stats?: ChannelStats,
): Candidate[] {
  const plan: Candidate[] = [];
  planModel(plan, channels, model, random, stats);
  for (const fallback of fallbacks[model] ?? []) planModel(plan, channels, fallback, random, stats);
  return plan;
}
