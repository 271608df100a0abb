// Wires the shared verdicts (shared-state/shared-verdicts.ts, docs/deploy.md "Shared verdicts")
// to this instance's relay: a key an upstream refused here is announced to the others; a key
// refused elsewhere is set aside here until the same re-check time; a health verdict from a
// channel's check owner goes into this instance's breakers. Only channel-wide refusals travel —
// what an upstream said about its own key; a model-scoped one stays here, since the model name
// may be a client's choice. A message names a key by hash: it is applied only to a key of that
// channel this instance knows.
import type { Logger } from 'pino';
import type { HealthOwnership } from '../relay/check-health.ts';
import type { RelayDependencies } from '../relay/relay-dependencies.ts';
import { CircuitBreakers } from '../routing/circuit-breaker.ts';
import type { SharedState } from '../shared-state/open-shared-state.ts';
import { keyIdOf } from '../shared-state/shared-verdicts.ts';

export function shareVerdicts(shared: SharedState, relay: RelayDependencies, logger: Logger): HealthOwnership {
  const channelNamed = (name: string) => relay.channels.snapshot().channels.find((channel) => channel.name === name);
  relay.keys.onRefusal((refusal) => {
    shared.verdicts.shareRefusal({ channel: refusal.channel, keyId: keyIdOf(refusal.channel, refusal.key), reason: refusal.reason, status: refusal.status, remainingMs: refusal.recheckAfterMs });
  });
  shared.followVerdicts({
    onRefusal(refusal) {
      const channel = channelNamed(refusal.channel);
      const key = channel?.apiKeys.find((candidate) => keyIdOf(refusal.channel, candidate) === refusal.keyId);
      if (key === undefined) return;
      relay.keys.adopt(refusal.channel, key, refusal.reason, refusal.remainingMs, refusal.status);
      logger.info({ channel: refusal.channel, key: `…${key.slice(-4)}`, recheck_in_ms: Math.round(refusal.remainingMs) }, `an upstream key of ${refusal.channel} was refused on another instance: set aside here too until its re-check`);
    },
    onHealth(health) {
      if (channelNamed(health.channel) === undefined) return;
      relay.breakers.applyVerdict(CircuitBreakers.keyOf(health.channel, health.model), health.up, health.holdMs);
    },
  });
  const owned = new Set<string>();
  return {
    async claim(channel, leaseMs) {
      const role = await shared.verdicts.claimHealth(channel, leaseMs);
      if (role === 'owner' && !owned.has(channel)) logger.info({ channel, instance: shared.verdicts.instance }, `this instance owns the health check of ${channel}: the others apply its verdicts`);
      if (role === 'owner') owned.add(channel);
      else owned.delete(channel);
      return role;
    },
    share(verdict) {
      shared.verdicts.shareHealth(verdict);
    },
  };
}
