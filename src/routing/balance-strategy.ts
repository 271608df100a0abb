// Balancing within one priority as a policy: data (each candidate's measure) in, an order out. The
// first of the order is the pick; the rest is the failover order, picked again from what is left.
// - weighted: random in proportion to `weight` (the default; docs/routing.md).
// - least_busy: fewest requests in flight on this instance; ties by weighted random.
// - latency: power of two choices (Mitzenmacher, "The Power of Two Choices in Randomized Load
//   Balancing", 2001) on a cost from measured latency and error rate, Finagle/Linkerd's peak-EWMA
//   idea: cost = latency × (1 + in flight) × (1 + errorPenalty × errorRate) / (weight × slow start).
import type { BalanceStrategy } from '../core/routing-policy.ts';
import { shuffleByWeight, type RandomSource, type Weighted } from './choose-channel.ts';

/** What was measured of one channel, as the strategies read it. */
export interface ChannelMeasure {
  /** Requests this instance has in flight on the channel. */
  inFlight: number;
  /** EWMA of time to first token (the whole answer when not streamed); undefined: not measured (or stale). */
  latencyMs: number | undefined;
  /** EWMA of upstream-caused failures per try, 0..1. */
  errorRate: number;
  /** Slow start after a recovery: 0 < factor ≤ 1, multiplies the weight. */
  weightFactor: number;
}

/** An error rate of 10 % doubles a channel's cost (docs/routing.md). */
export const errorPenalty = 10;

export interface Measured extends Weighted {
  measure: ChannelMeasure;
}

/** The latency strategy's cost; an unmeasured channel borrows the best measured latency of its group. */
export function costOf(measure: ChannelMeasure, weight: number, unmeasuredMs: number): number {
  const latency = measure.latencyMs ?? unmeasuredMs;
  return (latency * (1 + measure.inFlight) * (1 + errorPenalty * measure.errorRate)) / Math.max(weight * measure.weightFactor, Number.MIN_VALUE);
}

function bestLatency(items: readonly Measured[]): number {
  const known = items.flatMap((item) => item.measure.latencyMs ?? []);
  return known.length === 0 ? 0 : Math.min(...known);
}

/** Power of two choices: two distinct candidates at random, the cheaper one (ties: the first drawn). */
export function pickByLatency(items: readonly Measured[], random: RandomSource): number {
  if (items.length < 2) return 0;
  const first = Math.min(items.length - 1, Math.floor(random() * items.length));
  let second = Math.min(items.length - 2, Math.floor(random() * (items.length - 1)));
  if (second >= first) second += 1;
  const unmeasured = bestLatency(items);
  const cost = (index: number): number => {
    const item = items[index];
    return item === undefined ? Number.POSITIVE_INFINITY : costOf(item.measure, item.weight, unmeasured);
  };
  return cost(second) < cost(first) ? second : first;
}

/** Fewest in flight; among those tied, weighted random. */
export function pickLeastBusy(items: readonly Measured[], random: RandomSource): number {
  const fewest = Math.min(...items.map((item) => item.measure.inFlight));
  const tied = items.filter((item) => item.measure.inFlight === fewest);
  const chosen = shuffleByWeight(tied, random)[0];
  return chosen === undefined ? 0 : items.indexOf(chosen);
}

/** One priority group in the strategy's order: each place picked from what the places before left. */
export function orderGroup<T extends Measured>(strategy: BalanceStrategy, group: readonly T[], random: RandomSource): T[] {
  // One candidate has one order: no draw from the random source.
  if (group.length < 2) return [...group];
  if (strategy === 'weighted') return shuffleByWeight(group, random);
  const pick = strategy === 'latency' ? pickByLatency : pickLeastBusy;
  const remaining = [...group];
  const ordered: T[] = [];
  while (remaining.length > 0) ordered.push(...remaining.splice(pick(remaining, random), 1));
  return ordered;
}
