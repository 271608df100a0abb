import { describe, expect, it } from 'vitest';
import { InFlightList } from './in-flight-list.ts';

describe('InFlightList', () => {
  it('holds what was added until it is removed, newest first', () => {
    const list = new InFlightList<string>();
    const a = list.add('a');
    const b = list.add('b');
    const c = list.add('c');
    expect([...list.values()]).toEqual(['c', 'b', 'a']);
    list.remove(b);
    expect([...list.values()]).toEqual(['c', 'a']);
    list.remove(c);
    expect([...list.values()]).toEqual(['a']);
    list.remove(a);
    expect([...list.values()]).toEqual([]);
  });

  it('ignores a link removed twice, and keeps the others', () => {
    const list = new InFlightList<number>();
    const one = list.add(1);
    list.add(2);
    list.remove(one);
    list.remove(one);
    expect([...list.values()]).toEqual([2]);
    const three = list.add(3);
    list.remove(three);
    list.remove(three);
    expect([...list.values()]).toEqual([2]);
  });

  it('lets the value being visited be removed during the walk', () => {
    const list = new InFlightList<number>();
    const links = [1, 2, 3, 4].map((value) => list.add(value));
    const seen: number[] = [];
    for (const value of list.values()) {
      seen.push(value);
      list.remove(links[value - 1]!);
    }
    expect(seen).toEqual([4, 3, 2, 1]);
    expect([...list.values()]).toEqual([]);
  });
});
