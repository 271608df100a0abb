// The alert rules' state, one alert per rule and subject (a channel, a model, a key, the shared
// state): inactive → firing → resolved (→ firing again). No storms: a rule fires once when its
// condition starts to hold and resolves once when it has stopped holding (read-conditions.ts, with
// hysteresis for rates and latencies), and an alert stays firing for at least its rule's `holdMs`.
// Bounded: at most `maxSubjectsPerRule` subjects per rule; past it a stale one (not firing, unseen
// for its window) makes room, or the new subject is not watched (counted in `unwatched`). The clock
// is injected; nothing here sends or schedules anything.
import type { AlertCondition, AlertEvent, AlertRule, AlertSubject } from '../core/alert.ts';
import { matchesGlob } from '../lib/match-glob.ts';
import { ErrorRateWindow } from './error-rate-window.ts';
import { LatencyWindow } from './latency-window.ts';
import { readBreaker, readErrorRate, readKeysSetAside, readLatency, readQuotaLeft, readSharedState, type Reading } from './read-conditions.ts';

export interface AlertEnginePolicy {
  /** A firing error-rate alert resolves once the rate is below this share of the threshold. */
  resolveRatio: number;
  /** A firing latency alert resolves once the p95 is below this share of the bound. */
  latencyResolveRatio: number;
  /** Subjects (channels, models, keys) watched per rule at most. */
  maxSubjectsPerRule: number;
}

/** One finished upstream attempt. */
export interface ObservedAttempt {
  channel: string;
  /** The model the client asked for. */
  model: string;
  /** Failed, and the circuit breaker counted it against the channel. */
  failed: boolean;
  /** Succeeded (latency rules count only these). */
  succeeded: boolean;
  durationMs: number;
}

/** A sampled level: keys set aside, share of a quota left, shared state down (1) or up (0). */
export interface Level {
  value: number;
  detail?: string;
}

export type LevelKind = Extract<AlertCondition['kind'], 'keys_set_aside' | 'quota_left_below' | 'shared_state_degraded'>;

interface AlertSlot {
  rule: AlertRule;
  name: string;
  errors: ErrorRateWindow | undefined;
  latencies: LatencyWindow | undefined;
  /** Open circuits of the channel (model names), for `breaker_open`. */
  openCircuits: Set<string>;
  level: Level | undefined;
  lastSeen: number;
  event: AlertEvent | undefined;
}

/** What a rule's alerts are about. */
export function subjectOf(rule: AlertRule): AlertSubject {
  switch (rule.when.kind) {
    case 'quota_left_below':
      return 'key';
    case 'shared_state_degraded':
      return 'shared_state';
    case 'error_rate':
    case 'p95_latency':
      return rule.models === undefined ? 'channel' : 'model';
    default:
      return 'channel';
  }
}

function watches(rule: AlertRule, name: string): boolean {
  const globs = { channel: rule.channels, model: rule.models ?? [], key: rule.keys, shared_state: ['*'] }[subjectOf(rule)];
  return globs.some((glob) => matchesGlob(glob, name));
}

function windowOf(condition: AlertCondition): number {
  return condition.kind === 'error_rate' || condition.kind === 'p95_latency' ? condition.windowMs : 0;
}

export class AlertEngine {
  readonly #rules: readonly AlertRule[];
  readonly #policy: AlertEnginePolicy;
  readonly #now: () => number;
  readonly #onChange: (event: AlertEvent, rule: AlertRule) => void;
  /** Per rule (by index): subject name → slot. */
  readonly #slots: Array<Map<string, AlertSlot>>;
  /** Observations of subjects past `maxSubjectsPerRule`, not watched. */
  unwatched = 0;

  constructor(rules: readonly AlertRule[], policy: AlertEnginePolicy, now: () => number, onChange: (event: AlertEvent, rule: AlertRule) => void) {
    this.#rules = rules;
    this.#policy = policy;
    this.#now = now;
    this.#onChange = onChange;
    this.#slots = rules.map(() => new Map<string, AlertSlot>());
  }

  #slot(index: number, rule: AlertRule, name: string, now: number): AlertSlot | undefined {
    const slots = this.#slots[index];
    if (slots === undefined) return undefined;
    let slot = slots.get(name);
    if (slot === undefined) {
      if (slots.size >= this.#policy.maxSubjectsPerRule && !this.#makeRoom(slots, now)) {
        this.unwatched += 1;
        return undefined;
      }
      const { when } = rule;
      slot = {
        rule,
        name,
        errors: when.kind === 'error_rate' ? new ErrorRateWindow(when.windowMs) : undefined,
        latencies: when.kind === 'p95_latency' ? new LatencyWindow(when.windowMs) : undefined,
        openCircuits: new Set(),
        level: undefined,
        lastSeen: now,
        event: undefined,
      };
      slots.set(name, slot);
    }
    slot.lastSeen = now;
    return slot;
  }

  /** Drops the stalest slot that is not firing and has not been seen for its window; false: none. */
  #makeRoom(slots: Map<string, AlertSlot>, now: number): boolean {
    let stalest: AlertSlot | undefined;
    for (const slot of slots.values()) {
      if (slot.event?.state === 'firing' || now - slot.lastSeen < windowOf(slot.rule.when)) continue;
      if (stalest === undefined || slot.lastSeen < stalest.lastSeen) stalest = slot;
    }
    if (stalest !== undefined) slots.delete(stalest.name);
    return stalest !== undefined;
  }

  /** Each matching rule of `kinds` with the subject name it sees this observation under. */
  *#matching(kinds: ReadonlyArray<AlertCondition['kind']>, nameFor: (subject: AlertSubject) => string): Generator<[number, AlertRule, string]> {
    for (const [index, rule] of this.#rules.entries()) {
      if (!kinds.includes(rule.when.kind)) continue;
      const name = nameFor(subjectOf(rule));
      if (watches(rule, name)) yield [index, rule, name];
    }
  }

  /** One upstream attempt of a finished request. */
  observeAttempt(attempt: ObservedAttempt): void {
    const now = this.#now();
    for (const [index, rule, name] of this.#matching(['error_rate', 'p95_latency'], (subject) => (subject === 'model' ? attempt.model : attempt.channel))) {
      if (rule.when.kind === 'p95_latency' && !attempt.succeeded) continue;
      const slot = this.#slot(index, rule, name, now);
      if (slot === undefined) continue;
      slot.errors?.count(now, attempt.failed);
      slot.latencies?.record(now, attempt.durationMs);
      this.#evaluate(slot, now);
    }
  }

  /** A circuit of `channel` for `model` moved; open and half-open count as open. */
  observeBreaker(channel: string, model: string, open: boolean): void {
    const now = this.#now();
    for (const [index, rule, name] of this.#matching(['breaker_open'], () => channel)) {
      const slot = this.#slot(index, rule, name, now);
      if (slot === undefined) continue;
      if (open) slot.openCircuits.add(model);
      else slot.openCircuits.delete(model);
      this.#evaluate(slot, now);
    }
  }

  /**
   * The current levels of one kind, by subject name (`redis` for the shared state); a watched subject
   * missing from `levels` reads `absent` (no key set aside, a key without a quota any more).
   */
  observeLevels(kind: LevelKind, levels: ReadonlyMap<string, Level>, absent: Level): void {
    const now = this.#now();
    for (const [index, rule] of this.#rules.entries()) {
      if (rule.when.kind !== kind) continue;
      for (const slot of this.#slots[index]?.values() ?? []) {
        if (levels.has(slot.name)) continue;
        slot.level = absent;
        this.#evaluate(slot, now);
      }
    }
    // Judged at once: a slot that fires is never the one that makes room for the next subject.
    for (const [name, level] of levels) {
      for (const [index, rule] of this.#matching([kind], () => name)) {
        const slot = this.#slot(index, rule, name, now);
        if (slot === undefined) continue;
        slot.level = level;
        this.#evaluate(slot, now);
      }
    }
  }

  /** Re-checks every alert (a firing one resolves when its window has emptied); run on a timer. */
  evaluateAll(): void {
    const now = this.#now();
    for (const slots of this.#slots) for (const slot of slots.values()) this.#evaluate(slot, now);
  }

  /** Every alert that has fired (and is still held), firing ones first, newest first. */
  list(): AlertEvent[] {
    return this.#slots
      .flatMap((slots) => [...slots.values()].flatMap((slot) => (slot.event === undefined ? [] : [slot.event])))
      .sort((a, b) => (a.state === b.state ? b.at - a.at : a.state === 'firing' ? -1 : 1));
  }

  #read(slot: AlertSlot, now: number, firing: boolean): Reading {
    const { when } = slot.rule;
    switch (when.kind) {
      case 'error_rate':
        return readErrorRate(slot.name, when, slot.errors?.totals(now) ?? { requests: 0, failures: 0 }, firing, this.#policy.resolveRatio);
      case 'p95_latency':
        return readLatency(slot.name, when, slot.latencies?.totals(now) ?? { requests: 0, p95Ms: undefined }, firing, this.#policy.latencyResolveRatio);
      case 'breaker_open':
        return readBreaker(slot.name, slot.openCircuits);
      case 'keys_set_aside':
        return readKeysSetAside(slot.name, when, slot.level?.value ?? 0);
      case 'quota_left_below':
        return readQuotaLeft(slot.name, when, slot.level?.value ?? 1, slot.level?.detail ?? 'quota');
      case 'shared_state_degraded':
        return readSharedState((slot.level?.value ?? 0) > 0);
    }
  }

  #evaluate(slot: AlertSlot, now: number): void {
    const firing = slot.event?.state === 'firing';
    const reading = this.#read(slot, now, firing);
    if (!firing && reading.holds) this.#change(slot, 'firing', reading, now, now);
    else if (firing && !reading.holds && now - (slot.event?.firedAt ?? now) >= slot.rule.holdMs) this.#change(slot, 'resolved', reading, now, slot.event?.firedAt ?? now);
  }

  #change(slot: AlertSlot, state: AlertEvent['state'], reading: Reading, now: number, firedAt: number): void {
    const { rule } = slot;
    slot.event = { rule: rule.name, kind: rule.when.kind, subject: subjectOf(rule), name: slot.name, state, summary: reading.summary, value: reading.value, threshold: reading.threshold, requests: reading.requests, at: now, firedAt };
    this.#onChange(slot.event, rule);
  }
}
