// Each alert condition read from what was measured: whether it holds, in words, and the value
// against the rule's bound. Pure. A firing error-rate or latency alert keeps holding until the value
// is below `resolveRatio` of the bound (hysteresis); the level conditions (keys, quota, shared state)
// have none: they move slowly, and `hold_s` still keeps a firing alert for its minimum time.
import type { ErrorRateCondition, KeysSetAsideCondition, LatencyCondition, QuotaLeftCondition } from '../core/alert.ts';
import type { WindowTotals } from './error-rate-window.ts';
import type { LatencyTotals } from './latency-window.ts';

export interface Reading {
  holds: boolean;
  summary: string;
  value: number | undefined;
  threshold: number | undefined;
  requests: number | undefined;
}

export function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

export function readErrorRate(name: string, condition: ErrorRateCondition, totals: WindowTotals, firing: boolean, resolveRatio: number): Reading {
  const rate = totals.requests === 0 ? 0 : totals.failures / totals.requests;
  const bound = firing ? condition.errorRate * resolveRatio : condition.errorRate;
  const holds = totals.requests >= condition.minRequests && rate >= bound && (firing || totals.failures > 0);
  const summary = `${name}: ${String(totals.failures)} of ${String(totals.requests)} upstream attempts failed (${formatPercent(rate)}) in the last ${String(condition.windowMs / 1000)} s; threshold ${formatPercent(condition.errorRate)}`;
  return { holds, summary, value: rate, threshold: condition.errorRate, requests: totals.requests };
}

export function readLatency(name: string, condition: LatencyCondition, totals: LatencyTotals, firing: boolean, resolveRatio: number): Reading {
  const p95 = totals.p95Ms ?? 0;
  const bound = firing ? condition.p95Ms * resolveRatio : condition.p95Ms;
  const holds = totals.requests >= condition.minRequests && p95 > bound;
  const summary = `${name}: p95 ${String(p95)} ms over ${String(totals.requests)} successful attempts in the last ${String(condition.windowMs / 1000)} s; bound ${String(condition.p95Ms)} ms`;
  return { holds, summary, value: totals.p95Ms, threshold: condition.p95Ms, requests: totals.requests };
}

export function readBreaker(name: string, openCircuits: ReadonlySet<string>): Reading {
  const models = [...openCircuits];
  const summary = models.length === 0 ? `${name}: every circuit is closed` : `${name}: circuit open for ${models.slice(0, 5).join(', ')}`;
  return { holds: models.length > 0, summary, value: models.length, threshold: 1, requests: undefined };
}

export function readKeysSetAside(name: string, condition: KeysSetAsideCondition, count: number): Reading {
  const summary = `${name}: ${String(count)} upstream key${count === 1 ? '' : 's'} set aside (refused by the upstream); threshold ${String(condition.keys)}`;
  return { holds: count >= condition.keys, summary, value: count, threshold: condition.keys, requests: undefined };
}

/** `share` is what is left of the key's quota or budget (the smaller), `detail` says which. */
export function readQuotaLeft(name: string, condition: QuotaLeftCondition, share: number, detail: string): Reading {
  const summary = `${name}: ${formatPercent(Math.max(0, share))} of its ${detail} left; threshold ${formatPercent(condition.fraction)}`;
  return { holds: share < condition.fraction, summary, value: share, threshold: condition.fraction, requests: undefined };
}

export function readSharedState(down: boolean): Reading {
  const summary = down ? 'the shared state (Redis) does not answer: limits and quotas are held per instance' : 'the shared state (Redis) answers again';
  return { holds: down, summary, value: down ? 1 : 0, threshold: 1, requests: undefined };
}
