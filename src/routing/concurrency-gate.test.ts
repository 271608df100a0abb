import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from './concurrency-gate.ts';

describe('ConcurrencyGate', () => {
  it('admits up to the limit, then makes requests wait their turn in order', async () => {
    const gate = new ConcurrencyGate();
    expect(gate.tryEnter('a', 2)).toBe(true);
    expect(gate.tryEnter('a', 2)).toBe(true);
    expect(gate.tryEnter('a', 2)).toBe(false);
    const order: number[] = [];
    const first = gate.enter('a', 2, new AbortController().signal).then(() => order.push(1));
    const second = gate.enter('a', 2, new AbortController().signal).then(() => order.push(2));
    gate.leave('a');
    await first;
    gate.leave('a');
    await second;
    expect(order).toEqual([1, 2]);
    expect(gate.inFlight('a')).toBe(2);
  });

  it('gives up waiting when the request is aborted', async () => {
    const gate = new ConcurrencyGate();
    gate.tryEnter('a', 1);
    const controller = new AbortController();
    const waiting = gate.enter('a', 1, controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    gate.leave('a');
    expect(gate.inFlight('a')).toBe(0);
  });

  it('has no limit when none is set', () => {
    const gate = new ConcurrencyGate();
    for (let i = 0; i < 100; i += 1) expect(gate.tryEnter('a', undefined)).toBe(true);
  });
});
