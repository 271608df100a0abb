import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.ts';

describe('LruCache', () => {
  it('drops the least recently used entry past its bound', () => {
    const cache = new LruCache<string, number>(2, () => 0);
    cache.set('a', 1, 1000);
    cache.set('b', 2, 1000);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3, 1000);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([1, undefined, 3, 2]);
  });

  it('forgets an entry once its time-to-live has passed', () => {
    let now = 0;
    const cache = new LruCache<string, string>(10, () => now);
    cache.set('short', 'x', 100);
    cache.set('long', 'y', 1000);
    now = 100;
    expect([cache.get('short'), cache.get('long'), cache.size]).toEqual([undefined, 'y', 1]);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new LruCache(0, () => 0)).toThrow(RangeError);
  });
});
