import { describe, expect, it } from 'vitest';
import { KeyRing, maxModelSetAsides } from './key-ring.ts';

function ring() {
  let now = 0;
  return { keys: new KeyRing(() => now), advance: (ms: number) => (now += ms) };
}

describe('KeyRing', () => {
  it('uses each key of a channel in turn, separately per channel', () => {
    const { keys } = ring();
    const all = ['k1', 'k2', 'k3'];
    expect([1, 2, 3, 4].map(() => keys.choose('a', all))).toEqual(['k1', 'k2', 'k3', 'k1'].map((key) => ({ kind: 'key', key })));
    expect(keys.choose('b', ['b1'])).toEqual({ kind: 'key', key: 'b1' });
  });

  it('gives no key to a channel without keys', () => {
    expect(ring().keys.choose('local', [])).toEqual({ kind: 'key', key: undefined });
  });

  it('skips a refused key until its recheck time', () => {
    const { keys, advance } = ring();
    keys.setAside('a', 'k1', 'HTTP 401: invalid key', 1000);
    expect([1, 2].map(() => keys.choose('a', ['k1', 'k2']))).toEqual([{ kind: 'key', key: 'k2' }, { kind: 'key', key: 'k2' }]);
    advance(1000);
    expect(keys.choose('a', ['k1', 'k2'])).toEqual({ kind: 'key', key: 'k1' });
  });

  it('says the channel is exhausted when every key was refused, with the reasons', () => {
    const { keys } = ring();
    keys.setAside('a', 'secret-1234', 'HTTP 403: forbidden', 1000);
    expect(keys.choose('a', ['secret-1234'])).toEqual({ kind: 'exhausted', problems: [{ reason: 'HTTP 403: forbidden', since: 0, recheckAt: 1000 }] });
    expect(keys.problems()).toEqual([{ channel: 'a', key: '…1234', reason: 'HTTP 403: forbidden', since: 0, recheckAt: 1000 }]);
  });
});

describe('KeyRing set-aside scopes', () => {
  it('sets a key aside for one model only, leaving it usable for the others', () => {
    const { keys, advance } = ring();
    keys.setAside('a', 'k1', 'HTTP 403: User not allowed to access this model', 1000, { model: 'x', status: 403 });
    expect(keys.choose('a', ['k1'], 'x')).toMatchObject({ kind: 'exhausted', problems: [{ model: 'x' }] });
    expect(keys.choose('a', ['k1'], 'y')).toEqual({ kind: 'key', key: 'k1' });
    expect(keys.peek('a', ['k1'])).toBe('usable');
    advance(1000);
    expect(keys.choose('a', ['k1'], 'x')).toEqual({ kind: 'key', key: 'k1' });
  });

  it('sets a key aside for every model of the channel when the key itself was refused', () => {
    const { keys } = ring();
    keys.setAside('a', 'k1', 'HTTP 401: Incorrect API key provided', 1000);
    expect(keys.choose('a', ['k1'], 'y')).toMatchObject({ kind: 'exhausted' });
    expect(keys.peek('a', ['k1'])).toBe('exhausted');
  });

  it('keeps at most maxModelSetAsides model set-asides', () => {
    const { keys } = ring();
    for (let i = 0; i <= maxModelSetAsides; i += 1) keys.setAside('a', 'k1', 'HTTP 404: The model does not exist', 1000, { model: `m${i}` });
    expect(keys.problems()).toHaveLength(maxModelSetAsides);
    expect(keys.choose('a', ['k1'], 'm0')).toEqual({ kind: 'key', key: 'k1' });
  });

  it('tells its listeners of channel-wide refusals only, and adopts one seen elsewhere without telling them', () => {
    const { keys, advance } = ring();
    const told: unknown[] = [];
    keys.onRefusal((refusal) => told.push(refusal));
    keys.setAside('a', 'k1', 'HTTP 401: invalid key', 1000, { status: 401 });
    keys.setAside('a', 'k2', 'HTTP 404: no such model', 1000, { model: 'm', status: 404 });
    expect(told).toEqual([{ channel: 'a', key: 'k1', reason: 'HTTP 401: invalid key', status: 401, recheckAfterMs: 1000 }]);
    keys.adopt('b', 'b1', 'HTTP 401 elsewhere', 500, 401);
    expect(told).toHaveLength(1);
    expect(keys.choose('b', ['b1', 'b2'])).toEqual({ kind: 'key', key: 'b2' });
    expect(keys.choose('b', ['b1', 'b2'])).toEqual({ kind: 'key', key: 'b2' });
    advance(500);
    expect(keys.choose('b', ['b1', 'b2'])).toEqual({ kind: 'key', key: 'b1' });
  });
});
