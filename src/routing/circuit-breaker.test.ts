import { describe, expect, it } from 'vitest';
import { CircuitBreakers, maxCircuits, type BreakerTransition } from './circuit-breaker.ts';

const policy = { failureRate: 0.5, windowMs: 10_000, minCalls: 4, cooldownMs: 1000 };

function setup() {
  let now = 0;
  const transitions: BreakerTransition[] = [];
  const breakers = new CircuitBreakers(() => now, (transition) => transitions.push(transition));
  return { breakers, transitions, advance: (ms: number) => (now += ms) };
}

function open(breakers: CircuitBreakers, key = 'a'): void {
  for (let i = 0; i < policy.minCalls; i += 1) breakers.recordFailure(key, policy);
}

describe('CircuitBreakers', () => {
  it('keeps at most maxCircuits circuits, dropping closed ones before an open one', () => {
    const { breakers } = setup();
    open(breakers, 'open-one');
    for (let i = 0; i < maxCircuits + 500; i += 1) breakers.recordSuccess(`glob-model-${String(i)}`, policy);
    expect(breakers.size).toBe(maxCircuits);
    expect(breakers.stateOf('open-one')).toBe('open');
  });

  it('stays closed below the minimum number of calls, whatever their outcome', () => {
    const { breakers } = setup();
    for (let i = 0; i < policy.minCalls - 1; i += 1) breakers.recordFailure('a', policy);
    expect(breakers.stateOf('a')).toBe('closed');
    expect(breakers.tryPass('a', policy)).toBe(true);
  });

  it('opens when the failure rate in the window reaches the threshold', () => {
    const { breakers, transitions } = setup();
    breakers.recordSuccess('a', policy);
    breakers.recordSuccess('a', policy);
    breakers.recordFailure('a', policy);
    expect(breakers.stateOf('a')).toBe('closed');
    breakers.recordFailure('a', policy);
    expect(breakers.stateOf('a')).toBe('open');
    expect(breakers.tryPass('a', policy)).toBe(false);
    expect(transitions).toEqual([{ key: 'a', from: 'closed', to: 'open', failures: 2 }]);
    expect(breakers.opened).toBe(1);
  });

  it('stays closed while most calls succeed, however many fail in a row', () => {
    const { breakers } = setup();
    for (let i = 0; i < 20; i += 1) breakers.recordSuccess('a', policy);
    for (let i = 0; i < 15; i += 1) breakers.recordFailure('a', policy);
    expect(breakers.stateOf('a')).toBe('closed');
  });

  it('forgets calls that left the window', () => {
    const { breakers, advance } = setup();
    for (let i = 0; i < 3; i += 1) breakers.recordFailure('a', policy);
    advance(policy.windowMs + 1);
    breakers.recordSuccess('a', policy);
    breakers.recordSuccess('a', policy);
    breakers.recordSuccess('a', policy);
    breakers.recordFailure('a', policy);
    expect(breakers.stateOf('a')).toBe('closed');
    expect(breakers.snapshot()).toEqual([{ key: 'a', state: 'closed', failures: 1 }]);
  });

  it('lets exactly one probe through after the cooldown, and closes on its success', () => {
    const { breakers, advance } = setup();
    open(breakers);
    advance(999);
    expect(breakers.tryPass('a', policy)).toBe(false);
    advance(1);
    expect(breakers.tryPass('a', policy)).toBe(true);
    expect(breakers.stateOf('a')).toBe('half-open');
    expect(breakers.tryPass('a', policy)).toBe(false);
    breakers.recordSuccess('a', policy);
    expect(breakers.stateOf('a')).toBe('closed');
    expect(breakers.tryPass('a', policy)).toBe(true);
  });

  it('opens again when the probe fails', () => {
    const { breakers, advance } = setup();
    open(breakers);
    advance(1000);
    breakers.tryPass('a', policy);
    breakers.recordFailure('a', policy);
    expect(breakers.stateOf('a')).toBe('open');
    advance(500);
    expect(breakers.tryPass('a', policy)).toBe(false);
  });

  it('says since when a circuit has refused calls, and a failure let through anyway starts the count again', () => {
    const { breakers, advance } = setup();
    expect(breakers.openSince('a')).toBeUndefined();
    advance(100);
    open(breakers);
    expect(breakers.openSince('a')).toBe(100);
    advance(50);
    breakers.recordFailure('a', policy);
    expect(breakers.openSince('a')).toBe(150);
  });

  it('keeps circuits apart', () => {
    const { breakers } = setup();
    open(breakers, CircuitBreakers.keyOf('ch', 'm1'));
    expect(breakers.tryPass(CircuitBreakers.keyOf('ch', 'm2'), policy)).toBe(true);
  });

  it('takes a health verdict as it is: down opens and refuses even a probe until the hold ends, up closes', () => {
    const { breakers, advance } = setup();
    breakers.applyVerdict('a', false, 5000);
    expect(breakers.stateOf('a')).toBe('open');
    advance(policy.cooldownMs);
    expect(breakers.tryPass('a', policy)).toBe(false);
    advance(5000 - policy.cooldownMs);
    expect(breakers.tryPass('a', policy)).toBe(true);
    expect(breakers.stateOf('a')).toBe('half-open');
    breakers.applyVerdict('a', true, 5000);
    expect(breakers.stateOf('a')).toBe('closed');
    expect(breakers.tryPass('a', policy)).toBe(true);
  });
});
