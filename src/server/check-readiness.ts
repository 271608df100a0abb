// GET /readyz: ready when the store takes writes (store-health.ts) and at least one channel can take
// traffic — a circuit not open for every one of its models, and a usable key (or none needed).
import type { Channel } from '../core/channel.ts';
import type { RelayDependencies } from '../relay/relay-dependencies.ts';
import type { SharedStateCondition } from '../shared-state/shared-state-status.ts';
import type { StoreCondition } from './store-health.ts';

export interface Readiness {
  ready: boolean;
  channels: { total: number; usable: number };
  unusable: Array<{ channel: string; reason: string }>;
  store: StoreCondition;
  /** With `redis`: whether limits are shared right now. Down does not make Sluice unready: it admits on its share. */
  sharedState?: SharedStateCondition;
  /** PostgreSQL: instances live in the instance registry (null: it could not be read lately). */
  instances?: { live: number | null };
}

export function checkReadiness(channels: readonly Channel[], relay: Pick<RelayDependencies, 'breakers' | 'keys'>, store: StoreCondition, sharedState?: SharedStateCondition, liveInstances?: () => number | undefined): Readiness {
  const openCircuits = new Map<string, number>();
  for (const circuit of relay.breakers.snapshot()) {
    if (circuit.state !== 'open') continue;
    const channel = circuit.key.split('\u0000')[0] ?? '';
    openCircuits.set(channel, (openCircuits.get(channel) ?? 0) + 1);
  }
  const unusable: Readiness['unusable'] = [];
  for (const channel of channels) {
    const keys = relay.keys.peek(channel.name, channel.apiKeys);
    if (keys === 'exhausted') unusable.push({ channel: channel.name, reason: 'every key was refused by the upstream' });
    else if ((openCircuits.get(channel.name) ?? 0) > 0 && (openCircuits.get(channel.name) ?? 0) >= channel.models.length) {
      unusable.push({ channel: channel.name, reason: 'every circuit is open' });
    }
  }
  const usable = channels.length - unusable.length;
  const readiness: Readiness = { ready: usable > 0 && store.writable, channels: { total: channels.length, usable }, unusable, store };
  if (sharedState !== undefined) readiness.sharedState = sharedState;
  if (liveInstances !== undefined) readiness.instances = { live: liveInstances() ?? null };
  return readiness;
}
