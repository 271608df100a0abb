import { describe, expect, it } from 'vitest';
import { cacheChildren } from './cache-children.ts';

describe('cacheChildren', () => {
  it('makes the child of a label tuple once and hands the same one back', () => {
    const made: string[][] = [];
    const cache = cacheChildren((...values) => {
      made.push(values);
      return { values };
    });
    const first = cache.get('gpt-4o', 'openai', '200');
    expect(cache.get('gpt-4o', 'openai', '200')).toBe(first);
    expect(cache.get('gpt-4o', 'openai', '500')).not.toBe(first);
    expect(made).toEqual([['gpt-4o', 'openai', '200'], ['gpt-4o', 'openai', '500']]);
  });

  it('keeps tuples whose joined text would be equal apart', () => {
    const cache = cacheChildren((...values) => values.join('|'));
    expect(cache.get('a b', 'c')).toBe('a b|c');
    expect(cache.get('a', 'b c')).toBe('a|b c');
  });

  it('keeps tuples apart whatever characters their values hold', () => {
    const cache = cacheChildren((...values) => ({ values }));
    expect(cache.get('a\u0001b', 'c')).not.toBe(cache.get('a', 'b\u0001c'));
    expect(cache.get('a\u0001b', 'c')).toEqual({ values: ['a\u0001b', 'c'] });
  });

  it('holds at most maxEntries tuples, starting over when full', () => {
    let made = 0;
    const cache = cacheChildren(() => ({ serial: made++ }), 2);
    const first = cache.get('1');
    cache.get('2');
    cache.get('3');
    expect(cache.get('1')).not.toBe(first);
    expect(made).toBe(4);
  });

  it('takes no label, or up to four (one arity a cache), each tuple its own child made with exactly its values', () => {
    const made: string[][] = [];
    const make = (...values: string[]): string => {
      made.push(values);
      return values.join('|');
    };
    const none = cacheChildren(make);
    expect(none.get()).toBe('');
    expect(none.get()).toBe('');
    const one = cacheChildren(make);
    expect(one.get('a')).toBe('a');
    const four = cacheChildren(make);
    expect(four.get('a', 'b', 'c', 'd')).toBe('a|b|c|d');
    expect(four.get('a', 'b', 'c', 'e')).toBe('a|b|c|e');
    expect(four.get('a', 'b', 'c', 'd')).toBe('a|b|c|d');
    expect(made).toEqual([[], ['a'], ['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'e']]);
  });
});
