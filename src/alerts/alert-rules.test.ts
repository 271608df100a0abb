import { describe, expect, it } from 'vitest';
import type { AlertCondition, AlertEvent, AlertRule } from '../core/alert.ts';
import { AlertEngine, type ObservedAttempt } from './alert-engine.ts';
import { LatencyWindow } from './latency-window.ts';

function ruleOf(when: AlertCondition, extra: Partial<AlertRule> = {}): AlertRule {
  return { name: 'r', when, channels: ['*'], models: undefined, keys: ['*'], notify: [], holdMs: 0, ...extra };
}

function startEngine(rules: AlertRule[], maxSubjectsPerRule = 100) {
  const clock = { now: 1_000_000 };
  const events: AlertEvent[] = [];
  const engine = new AlertEngine(rules, { resolveRatio: 0.5, latencyResolveRatio: 0.8, maxSubjectsPerRule }, () => clock.now, (event) => events.push(event));
  const attempt = (fields: Partial<ObservedAttempt>, times = 1): void => {
    for (let index = 0; index < times; index += 1) engine.observeAttempt({ channel: 'c', model: 'm', failed: false, succeeded: true, durationMs: 10, ...fields });
  };
  return { clock, events, engine, attempt };
}

const states = (events: AlertEvent[]): string[] => events.map((event) => `${event.name}:${event.state}`);

describe('LatencyWindow', () => {
  it('reads the p95 within one bin step (about 9 %) above the truth, and forgets what left the window', () => {
    const window = new LatencyWindow(10_000);
    for (let ms = 1; ms <= 1000; ms += 1) window.record(0, ms);
    const { requests, p95Ms } = window.totals(0);
    expect(requests).toBe(1000);
    expect(p95Ms).toBeGreaterThanOrEqual(950);
    expect(p95Ms).toBeLessThanOrEqual(950 * 1.091);
    expect(window.totals(20_000)).toEqual({ requests: 0, p95Ms: undefined });
  });
});

describe('AlertEngine on models', () => {
  it('judges the error rate per client model its globs match, whatever the channel', () => {
    const { events, attempt } = startEngine([ruleOf({ kind: 'error_rate', errorRate: 0.5, windowMs: 10_000, minRequests: 4 }, { models: ['gpt-4o*'] })]);
    attempt({ model: 'gpt-4o', channel: 'a', failed: true, succeeded: false }, 2);
    attempt({ model: 'gpt-4o', channel: 'b', failed: true, succeeded: false }, 2);
    attempt({ model: 'other', failed: true, succeeded: false }, 10);
    expect(events).toMatchObject([{ subject: 'model', name: 'gpt-4o', state: 'firing', value: 1, requests: 4 }]);
  });
});

describe('AlertEngine p95 latency', () => {
  it('fires once the p95 of successful attempts passes the bound with enough volume, and resolves below 80 % of it', () => {
    const { events, attempt, clock } = startEngine([ruleOf({ kind: 'p95_latency', p95Ms: 1000, windowMs: 10_000, minRequests: 10 })]);
    attempt({ durationMs: 5000, failed: true, succeeded: false }, 20);
    attempt({ durationMs: 3000 }, 9);
    expect(events).toEqual([]);
    attempt({ durationMs: 3000 });
    expect(events).toMatchObject([{ kind: 'p95_latency', name: 'c', state: 'firing', threshold: 1000, requests: 10 }]);
    clock.now += 5_000;
    attempt({ durationMs: 900 }, 200);
    expect(states(events)).toEqual(['c:firing']);
    attempt({ durationMs: 500 }, 4000);
    expect(states(events)).toEqual(['c:firing', 'c:resolved']);
  });

  it('resolves when traffic stops and the window no longer holds the minimum volume', () => {
    const { events, attempt, clock, engine } = startEngine([ruleOf({ kind: 'p95_latency', p95Ms: 1000, windowMs: 10_000, minRequests: 10 })]);
    attempt({ durationMs: 3000 }, 10);
    clock.now += 11_000;
    engine.evaluateAll();
    expect(states(events)).toEqual(['c:firing', 'c:resolved']);
  });
});

describe('AlertEngine levels', () => {
  it('fires when a channel has the number of keys set aside, and resolves when they are back', () => {
    const { events, engine } = startEngine([ruleOf({ kind: 'keys_set_aside', keys: 2 }, { channels: ['pri*'] })]);
    engine.observeLevels('keys_set_aside', new Map([['primary', { value: 1 }], ['secondary', { value: 5 }]]), { value: 0 });
    expect(events).toEqual([]);
    engine.observeLevels('keys_set_aside', new Map([['primary', { value: 2 }]]), { value: 0 });
    engine.observeLevels('keys_set_aside', new Map([['primary', { value: 3 }]]), { value: 0 });
    engine.observeLevels('keys_set_aside', new Map(), { value: 0 });
    expect(states(events)).toEqual(['primary:firing', 'primary:resolved']);
  });

  it('fires for a key whose quota share left is below the fraction, once, and resolves after a refill', () => {
    const { events, engine } = startEngine([ruleOf({ kind: 'quota_left_below', fraction: 0.1 }, { keys: ['app-*'] })]);
    const quota = (value: number): void => {
      engine.observeLevels('quota_left_below', new Map([['app-1', { value, detail: 'token quota' }], ['other', { value: 0 }]]), { value: 1 });
    };
    quota(0.5);
    quota(0.05);
    quota(0.01);
    quota(1);
    expect(states(events)).toEqual(['app-1:firing', 'app-1:resolved']);
    expect(events[0]?.summary).toBe('app-1: 5.0% of its token quota left; threshold 10.0%');
  });

  it('fires while the shared state is down and resolves when it answers', () => {
    const { events, engine } = startEngine([ruleOf({ kind: 'shared_state_degraded' })]);
    engine.observeLevels('shared_state_degraded', new Map([['redis', { value: 1 }]]), { value: 0 });
    engine.observeLevels('shared_state_degraded', new Map([['redis', { value: 1 }]]), { value: 0 });
    engine.observeLevels('shared_state_degraded', new Map([['redis', { value: 0 }]]), { value: 0 });
    expect(events).toMatchObject([{ subject: 'shared_state', name: 'redis', state: 'firing' }, { state: 'resolved' }]);
  });
});

describe('AlertEngine bounds', () => {
  it('watches at most maxSubjectsPerRule subjects; a stale one makes room, a firing one never does', () => {
    const { events, attempt, engine, clock } = startEngine([ruleOf({ kind: 'error_rate', errorRate: 0.5, windowMs: 1_000, minRequests: 1 }, { models: ['*'] })], 2);
    attempt({ model: 'real', failed: true, succeeded: false });
    attempt({ model: 'made-up-1' });
    attempt({ model: 'made-up-2', failed: true, succeeded: false });
    expect(engine.unwatched).toBe(1);
    clock.now += 2_000;
    attempt({ model: 'made-up-3', failed: true, succeeded: false });
    expect(states(events)).toEqual(['real:firing', 'made-up-3:firing']);
    attempt({ model: 'made-up-4', failed: true, succeeded: false });
    expect(engine.unwatched).toBe(2);
    expect(engine.list()).toHaveLength(2);
  });
});

describe('AlertEngine bounds on levels', () => {
  it('fires for a low key even when more keys than the bound are sampled, and keeps it while others churn', () => {
    const { events, engine } = startEngine([ruleOf({ kind: 'quota_left_below', fraction: 0.1 })], 3);
    const levels = new Map(Array.from({ length: 10 }, (_, index) => [`key-${String(index)}`, { value: index === 1 ? 0.05 : 0.9 }]));
    engine.observeLevels('quota_left_below', levels, { value: 1 });
    engine.observeLevels('quota_left_below', levels, { value: 1 });
    expect(states(events)).toEqual(['key-1:firing']);
    expect(engine.list()).toHaveLength(1);
  });
});
