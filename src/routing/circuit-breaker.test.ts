import { describe, expect, it } from 'vitest';
import { CircuitBreakers, type BreakerTransition } from './circuit-breaker.ts';

const policy = { failures: 3, cooldownMs: 1000 };

function setup() {
  let now = 0;
  const transitions: BreakerTransition[] = [];
  const breakers = new CircuitBreakers(() => now, (transition) => transitions.push(transition));
  return { breakers, transitions, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreakers', () => {
  it('opens after the configured number of consecutive failures', () => {
    const { breakers, transitions } = setup();
    breakers.recordFailure('a', policy);
    breakers.recordFailure('a', policy);
    expect(breakers.tryPass('a', policy)).toBe(true);
    breakers.recordFailure('a', policy);
    expect(breakers.stateOf('a')).toBe('open');
    expect(breakers.tryPass('a', policy)).toBe(false);
    expect(transitions).toEqual([{ key: 'a', from: 'closed', to: 'open', failures: 3 }]);
    expect(breakers.opened).toBe(1);
  });

  it('counts only consecutive failures', () => {
    const { breakers } = setup();
    breakers.recordFailure('a', policy);
    breakers.recordFailure('a', policy);
    breakers.recordSuccess('a');
    breakers.recordFailure('a', policy);
    expect(breakers.stateOf('a')).toBe('closed');
  });

  it('lets exactly one probe through after the cooldown, and closes on its success', () => {
    const { breakers, advance } = setup();
    for (let i = 0; i < 3; i += 1) breakers.recordFailure('a', policy);
    advance(999);
    expect(breakers.tryPass('a', policy)).toBe(false);
    advance(1);
    expect(breakers.tryPass('a', policy)).toBe(true);
    expect(breakers.stateOf('a')).toBe('half-open');
    expect(breakers.tryPass('a', policy)).toBe(false);
    breakers.recordSuccess('a');
    expect(breakers.stateOf('a')).toBe('closed');
    expect(breakers.tryPass('a', policy)).toBe(true);
  });

  it('opens again when the probe fails', () => {
    const { breakers, advance } = setup();
    for (let i = 0; i < 3; i += 1) breakers.recordFailure('a', policy);
    advance(1000);
    breakers.tryPass('a', policy);
    breakers.recordFailure('a', policy);
    expect(breakers.stateOf('a')).toBe('open');
    advance(500);
    expect(breakers.tryPass('a', policy)).toBe(false);
  });

  it('keeps circuits apart', () => {
    const { breakers } = setup();
    for (let i = 0; i < 3; i += 1) breakers.recordFailure(CircuitBreakers.keyOf('ch', 'm1'), policy);
    expect(breakers.tryPass(CircuitBreakers.keyOf('ch', 'm2'), policy)).toBe(true);
  });
});
