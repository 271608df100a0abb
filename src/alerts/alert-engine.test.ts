import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertRule } from '../core/alert.ts';
import { AlertEngine } from './alert-engine.ts';
import { ErrorRateWindow } from './error-rate-window.ts';

const rule: AlertRule = {
  name: 'errors',
  when: { kind: 'error_rate', errorRate: 0.1, windowMs: 10_000, minRequests: 20 },
  channels: ['pri*'],
  models: undefined,
  keys: ['*'],
  notify: [],
  holdMs: 5_000,
};

function startEngine(rules: AlertRule[] = [rule]) {
  const clock = { now: 1_000_000 };
  const events: AlertEvent[] = [];
  const engine = new AlertEngine(rules, { resolveRatio: 0.5, latencyResolveRatio: 0.8, maxSubjectsPerRule: 100 }, () => clock.now, (event) => events.push(event));
  const send = (channel: string, ok: number, failed: number): void => {
    for (let index = 0; index < ok; index += 1) engine.observeAttempt({ channel, model: 'm', failed: false, succeeded: true, durationMs: 10 });
    for (let index = 0; index < failed; index += 1) engine.observeAttempt({ channel, model: 'm', failed: true, succeeded: false, durationMs: 10 });
  };
  return { clock, events, engine, send };
}

describe('ErrorRateWindow', () => {
  it('counts only what happened within the window', () => {
    const window = new ErrorRateWindow(10_000);
    window.count(0, true);
    window.count(5_000, false);
    expect(window.totals(5_000)).toEqual({ requests: 2, failures: 1 });
    expect(window.totals(10_500)).toEqual({ requests: 1, failures: 0 });
    expect(window.totals(16_000)).toEqual({ requests: 0, failures: 0 });
  });

  it('keeps the same memory however much traffic it counts', () => {
    const window = new ErrorRateWindow(1_000);
    for (let now = 0; now < 100_000; now += 7) window.count(now, now % 2 === 0);
    const { requests } = window.totals(100_000);
    expect(requests).toBeGreaterThan(120);
    expect(requests).toBeLessThan(160);
  });
});

describe('AlertEngine error rate', () => {
  it('does not fire below the minimum volume, whatever the rate', () => {
    const { events, send } = startEngine();
    send('primary', 0, 19);
    expect(events).toEqual([]);
  });

  it('fires once when the rate passes the threshold with enough volume, however many failures follow', () => {
    const { events, send, engine } = startEngine();
    send('primary', 17, 3);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ rule: 'errors', subject: 'channel', name: 'primary', state: 'firing', requests: 20 });
    send('primary', 0, 50);
    engine.evaluateAll();
    expect(events).toHaveLength(1);
    expect(engine.list()).toMatchObject([{ state: 'firing' }]);
  });

  it('watches only the channels its globs match', () => {
    const { events, send } = startEngine();
    send('secondary', 0, 40);
    expect(events).toEqual([]);
  });

  it('stays firing while the rate hovers just under the threshold (hysteresis), then resolves once', () => {
    const { events, send, clock, engine } = startEngine();
    send('primary', 18, 2);
    clock.now += 6_000;
    // About 7 %: under the 10 % threshold, above the 5 % it must fall below to resolve.
    for (let batch = 0; batch < 14; batch += 1) send('primary', 13, 1);
    expect(events.map((event) => event.state)).toEqual(['firing']);
    clock.now += 11_000;
    send('primary', 40, 0);
    engine.evaluateAll();
    expect(events.map((event) => event.state)).toEqual(['firing', 'resolved']);
    send('primary', 40, 0);
    expect(events).toHaveLength(2);
  });

  it('holds a firing alert for the rule\'s hold time before it resolves', () => {
    const { events, send, clock, engine } = startEngine([{ ...rule, holdMs: 60_000 }]);
    send('primary', 0, 20);
    clock.now += 20_000;
    engine.evaluateAll();
    expect(events.map((event) => event.state)).toEqual(['firing']);
    clock.now += 40_000;
    engine.evaluateAll();
    expect(events.map((event) => event.state)).toEqual(['firing', 'resolved']);
  });

  it('resolves when traffic stops and the window empties, and can fire again later', () => {
    const { events, send, clock, engine } = startEngine();
    send('primary', 0, 20);
    clock.now += 11_000;
    engine.evaluateAll();
    send('primary', 0, 20);
    expect(events.map((event) => event.state)).toEqual(['firing', 'resolved', 'firing']);
  });
});

describe('AlertEngine breaker_open', () => {
  it('fires when a circuit of the channel opens and resolves when the last one closes', () => {
    const { events, engine, clock } = startEngine([{ ...rule, when: { kind: 'breaker_open' }, holdMs: 0 }]);
    engine.observeBreaker('primary', 'gpt-4o', true);
    engine.observeBreaker('primary', 'gpt-4o-mini', true);
    clock.now += 1;
    engine.observeBreaker('primary', 'gpt-4o', false);
    expect(events.map((event) => event.state)).toEqual(['firing']);
    engine.observeBreaker('primary', 'gpt-4o-mini', false);
    expect(events.map((event) => event.state)).toEqual(['firing', 'resolved']);
  });
});
