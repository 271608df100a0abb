import { describe, expect, it } from 'vitest';
import { KeyRotator } from './rotate-keys.ts';

describe('KeyRotator', () => {
  it('uses each key of a channel in turn', () => {
    const rotator = new KeyRotator();
    const keys = ['k1', 'k2', 'k3'];
    expect([1, 2, 3, 4].map(() => rotator.nextKey('a', keys))).toEqual(['k1', 'k2', 'k3', 'k1']);
  });

  it('keeps a separate turn per channel', () => {
    const rotator = new KeyRotator();
    rotator.nextKey('a', ['a1', 'a2']);
    expect(rotator.nextKey('b', ['b1', 'b2'])).toBe('b1');
  });

  it('gives no key to a channel without keys', () => {
    expect(new KeyRotator().nextKey('local', [])).toBeUndefined();
  });
});
