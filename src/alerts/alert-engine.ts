// The alert rules' state, one alert per rule and channel: inactive → firing → resolved (→ firing
// again). No storms: a rule fires once when its condition starts to hold, and resolves once when it
// has stopped holding — an error rate must fall below `resolveRatio` of the threshold (hysteresis),
// and an alert stays firing for at least its rule's `holdMs` — so a rate hovering at the threshold sends two
// messages, not two per request. The clock is injected; nothing here sends or schedules anything.
import type { AlertEvent, AlertRule, ErrorRateCondition } from '../core/alert.ts';
import { matchesGlob } from '../lib/match-glob.ts';
import { ErrorRateWindow } from './error-rate-window.ts';

export interface AlertEnginePolicy {
  /** A firing error-rate alert resolves once the rate is below this share of the threshold. */
  resolveRatio: number;
}

interface AlertSlot {
  rule: AlertRule;
  channel: string;
  window: ErrorRateWindow | undefined;
  /** Open circuits of the channel (model names), for `breaker_open`. */
  openCircuits: Set<string>;
  event: AlertEvent | undefined;
}

function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

export class AlertEngine {
  readonly #rules: readonly AlertRule[];
  readonly #policy: AlertEnginePolicy;
  readonly #now: () => number;
  readonly #onChange: (event: AlertEvent, rule: AlertRule) => void;
  /** Rule index → channel → slot; a slot exists only for a configured channel a rule matches. */
  readonly #slots = new Map<string, AlertSlot>();

  constructor(rules: readonly AlertRule[], policy: AlertEnginePolicy, now: () => number, onChange: (event: AlertEvent, rule: AlertRule) => void) {
    this.#rules = rules;
    this.#policy = policy;
    this.#now = now;
    this.#onChange = onChange;
  }

  #slotsFor(channel: string, kind: AlertRule['when']['kind']): AlertSlot[] {
    const slots: AlertSlot[] = [];
    this.#rules.forEach((rule, index) => {
      if (rule.when.kind !== kind || !rule.channels.some((glob) => matchesGlob(glob, channel))) return;
      const key = `${String(index)}\u0000${channel}`;
      let slot = this.#slots.get(key);
      if (slot === undefined) {
        slot = { rule, channel, window: rule.when.kind === 'error_rate' ? new ErrorRateWindow(rule.when.windowMs) : undefined, openCircuits: new Set(), event: undefined };
        this.#slots.set(key, slot);
      }
      slots.push(slot);
    });
    return slots;
  }

  /** One upstream attempt on `channel`: failed only when the upstream was at fault. */
  observeAttempt(channel: string, failed: boolean): void {
    const now = this.#now();
    for (const slot of this.#slotsFor(channel, 'error_rate')) {
      slot.window?.count(now, failed);
      this.#evaluate(slot, now);
    }
  }

  /** A circuit of `channel` for `model` moved; open and half-open count as open. */
  observeBreaker(channel: string, model: string, open: boolean): void {
    const now = this.#now();
    for (const slot of this.#slotsFor(channel, 'breaker_open')) {
      if (open) slot.openCircuits.add(model);
      else slot.openCircuits.delete(model);
      this.#evaluate(slot, now);
    }
  }

  /** Re-checks every alert (a firing one resolves when its window has emptied); run on a timer. */
  evaluateAll(): void {
    const now = this.#now();
    for (const slot of this.#slots.values()) this.#evaluate(slot, now);
  }

  /** Every alert that has fired, firing ones first, newest first. */
  list(): AlertEvent[] {
    return [...this.#slots.values()]
      .flatMap((slot) => (slot.event === undefined ? [] : [slot.event]))
      .sort((a, b) => (a.state === b.state ? b.at - a.at : a.state === 'firing' ? -1 : 1));
  }

  #evaluate(slot: AlertSlot, now: number): void {
    const firing = slot.event?.state === 'firing';
    const reading = slot.rule.when.kind === 'error_rate' ? this.#readErrorRate(slot, slot.rule.when, now, firing) : this.#readBreaker(slot);
    if (!firing && reading.holds) this.#change(slot, 'firing', reading, now, now);
    else if (firing && !reading.holds && now - (slot.event?.firedAt ?? now) >= slot.rule.holdMs) this.#change(slot, 'resolved', reading, now, slot.event?.firedAt ?? now);
  }

  /** Firing, the condition keeps holding until the rate falls below resolveRatio × threshold (hysteresis). */
  #readErrorRate(slot: AlertSlot, condition: ErrorRateCondition, now: number, firing: boolean): Reading {
    const totals = slot.window?.totals(now) ?? { requests: 0, failures: 0 };
    const rate = totals.requests === 0 ? 0 : totals.failures / totals.requests;
    const threshold = firing ? condition.errorRate * this.#policy.resolveRatio : condition.errorRate;
    const holds = totals.requests >= condition.minRequests && rate >= threshold && (firing || totals.failures > 0);
    const summary = `${slot.channel}: ${String(totals.failures)} of ${String(totals.requests)} upstream attempts failed (${formatPercent(rate)}) in the last ${String(condition.windowMs / 1000)} s; threshold ${formatPercent(condition.errorRate)}`;
    return { holds, summary, errorRate: rate, requests: totals.requests };
  }

  #readBreaker(slot: AlertSlot): Reading {
    const models = [...slot.openCircuits];
    const summary = models.length === 0 ? `${slot.channel}: every circuit is closed` : `${slot.channel}: circuit open for ${models.slice(0, 5).join(', ')}`;
    return { holds: models.length > 0, summary, errorRate: undefined, requests: undefined };
  }

  #change(slot: AlertSlot, state: AlertEvent['state'], reading: Reading, now: number, firedAt: number): void {
    slot.event = { rule: slot.rule.name, channel: slot.channel, state, summary: reading.summary, errorRate: reading.errorRate, requests: reading.requests, at: now, firedAt };
    this.#onChange(slot.event, slot.rule);
  }
}

interface Reading {
  holds: boolean;
  summary: string;
  errorRate: number | undefined;
  requests: number | undefined;
}
