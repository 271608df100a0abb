// Which channels serve a client model, and under which upstream name.
import type { Channel } from '../core/channel.ts';
import { isGlob, matchesGlob } from '../lib/match-glob.ts';

export interface Route {
  channel: Channel;
  upstreamModel: string;
}

export function findRoute(channel: Channel, clientModel: string): Route | undefined {
  const mapped = Object.hasOwn(channel.modelMap, clientModel) ? channel.modelMap[clientModel] : undefined;
  if (mapped !== undefined) return { channel, upstreamModel: mapped };
  // A loop, not `some` with a closure: this runs for every channel on every request.
  for (const model of channel.models) if (matchesGlob(model, clientModel)) return { channel, upstreamModel: clientModel };
  return undefined;
}

export function findRoutes(channels: readonly Channel[], clientModel: string): Route[] {
  return channels.flatMap((channel) => findRoute(channel, clientModel) ?? []);
}

/** Every concrete model name a client may ask for: channel models (not globs) and aliases. */
export function listClientModels(channels: readonly Channel[]): Array<{ model: string; route: Route }> {
  const seen = new Map<string, Route>();
  const byPriority = [...channels].sort((a, b) => a.priority - b.priority);
  for (const channel of byPriority) {
    for (const model of [...channel.models.filter((name) => !isGlob(name)), ...Object.keys(channel.modelMap)]) {
      const route = findRoute(channel, model);
      if (route !== undefined && !seen.has(model)) seen.set(model, route);
    }
  }
  return [...seen].map(([model, route]) => ({ model, route }));
}
