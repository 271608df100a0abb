// What the relay measured of each channel, for the `least_busy` and `latency` strategies: per channel
// name only (never per client model name, so a model a client makes up cannot poison a channel), fed
// only by upstream outcomes (the attempt loop counts a failure only when it is the upstream's fault).
import { matchesGlob } from '../lib/match-glob.ts';
import type { BalanceStrategy, RoutingPolicy } from '../core/routing-policy.ts';
import type { ChannelMeasure } from './balance-strategy.ts';

/** Named defaults of the measurements (docs/routing.md). */
export const measurePolicy = Object.freeze({
  /** Weight of the newest sample in each EWMA. */
  ewmaAlpha: 0.3,
  /** A channel not measured for this long counts as unmeasured again, so it gets a request to be measured. */
  staleMs: 30_000,
  /** The smallest share of its weight a recovering channel starts with. */
  slowStartFloor: 0.1,
  /** Channels measured at most (the admin API can add channels; the oldest measured goes first). */
  maxChannels: 10_000,
});

interface Stats {
  latencyMs: number | undefined;
  errorRate: number;
  sampledAt: number;
  recoveredAt: number | undefined;
}

const ewma = (previous: number, sample: number): number => previous + measurePolicy.ewmaAlpha * (sample - previous);

export function strategyFor(policy: RoutingPolicy, model: string): BalanceStrategy {
  return policy.models.find(([glob]) => matchesGlob(glob, model))?.[1] ?? policy.strategy;
}

export class ChannelStats {
  readonly #stats = new Map<string, Stats>();
  readonly #now: () => number;
  readonly #inFlight: (channel: string) => number;
  readonly policy: RoutingPolicy;

  constructor(policy: RoutingPolicy, now: () => number, inFlight: (channel: string) => number) {
    this.policy = policy;
    this.#now = now;
    this.#inFlight = inFlight;
  }

  #entry(channel: string): Stats {
    let stats = this.#stats.get(channel);
    if (stats === undefined) {
      if (this.#stats.size >= measurePolicy.maxChannels) this.#stats.delete(this.#stats.keys().next().value ?? '');
      stats = { latencyMs: undefined, errorRate: 0, sampledAt: this.#now(), recoveredAt: undefined };
      this.#stats.set(channel, stats);
    }
    return stats;
  }

  /** A try answered: its time to first token (the whole answer when not streamed). */
  recordSuccess(channel: string, latencyMs: number): void {
    const stats = this.#entry(channel);
    stats.latencyMs = stats.latencyMs === undefined ? latencyMs : ewma(stats.latencyMs, latencyMs);
    stats.errorRate = ewma(stats.errorRate, 0);
    stats.sampledAt = this.#now();
  }

  /** A try failed by the upstream's fault; its time counts only if it was slower than the estimate (a fast 503 is no good news). */
  recordFailure(channel: string, elapsedMs: number): void {
    const stats = this.#entry(channel);
    stats.latencyMs = Math.max(stats.latencyMs ?? elapsedMs, elapsedMs);
    stats.errorRate = ewma(stats.errorRate, 1);
    stats.sampledAt = this.#now();
  }

  /** The channel's circuit closed again: its old errors are forgiven and its weight ramps up. */
  recordRecovery(channel: string): void {
    const stats = this.#entry(channel);
    stats.errorRate = 0;
    stats.recoveredAt = this.#now();
  }

  measure(channel: string): ChannelMeasure {
    const inFlight = this.#inFlight(channel);
    const stats = this.#stats.get(channel);
    if (stats === undefined) return { inFlight, latencyMs: undefined, errorRate: 0, weightFactor: 1 };
    const now = this.#now();
    const stale = now - stats.sampledAt > measurePolicy.staleMs;
    const sinceRecovery = stats.recoveredAt === undefined ? Number.POSITIVE_INFINITY : now - stats.recoveredAt;
    const ramp = this.policy.slowStartMs <= 0 ? 1 : sinceRecovery / this.policy.slowStartMs;
    return {
      inFlight,
      latencyMs: stale ? undefined : stats.latencyMs,
      errorRate: stale ? 0 : stats.errorRate,
      weightFactor: Math.min(1, Math.max(measurePolicy.slowStartFloor, ramp)),
    };
  }
}
