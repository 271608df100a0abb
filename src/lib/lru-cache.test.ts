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

  it('keeps the order through repeated hits on the newest key, its expiry and a clear', () => {
    let now = 0;
    const cache = new LruCache<string, number>(2, () => now);
    cache.set('a', 1, 1000);
    cache.set('b', 2, 50);
    expect([cache.get('b'), cache.get('b'), cache.get('a'), cache.get('a')]).toEqual([2, 2, 1, 1]);
    cache.set('c', 3, 1000);
    expect([cache.get('b'), cache.get('a'), cache.get('c'), cache.size]).toEqual([undefined, 1, 3, 2]);
    cache.set('b', 2, 50);
    now = 50;
    expect([cache.get('b'), cache.size]).toEqual([undefined, 1]);
    cache.set('d', 4, 1000);
    expect([cache.get('c'), cache.get('d'), cache.size]).toEqual([3, 4, 2]);
    cache.clear();
    cache.set('e', 5, 1000);
    cache.set('f', 6, 1000);
    expect(cache.get('f')).toBe(6);
    cache.set('g', 7, 1000);
    expect([cache.get('e'), cache.get('f'), cache.get('g')]).toEqual([undefined, 6, 7]);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new LruCache(0, () => 0)).toThrow(RangeError);
  });
});
