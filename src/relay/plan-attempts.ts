// The attempt plan: for the model, then each of its fallbacks, the channels that serve it, by
// priority (lower first) and weighted random within a priority.
import type { Channel } from '../core/channel.ts';
import { orderByPriorityAndWeight } from '../routing/choose-channel.ts';
import { findRoutes, type Route } from './find-routes.ts';

export interface Candidate extends Route {
  /** The client model name this candidate serves: the one asked for, or a fallback. */
  clientModel: string;
}

export function planAttempts(
  channels: readonly Channel[],
  fallbacks: Readonly<Record<string, readonly string[]>>,
  model: string,
  random: () => number,
): Candidate[] {
  const models = [model, ...(fallbacks[model] ?? [])];
  return models.flatMap((clientModel) =>
    orderByPriorityAndWeight(
      findRoutes(channels, clientModel).map((route) => ({ ...route, clientModel, priority: route.channel.priority, weight: route.channel.weight })),
      random,
    ),
  );
}
