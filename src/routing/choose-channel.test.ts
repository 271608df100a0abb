import { describe, expect, it } from 'vitest';
import { shuffleByWeight } from './choose-channel.ts';

const item = (name: string, priority: number, weight: number) => ({ name, priority, weight });

describe('shuffleByWeight', () => {
  it('keeps every item exactly once', () => {
    const items = [item('a', 0, 1), item('b', 0, 2), item('c', 0, 3)];
    expect(shuffleByWeight(items, () => 0.5).map((c) => c.name).sort()).toEqual(['a', 'b', 'c']);
  });

  it('maps the random point onto the cumulative weights', () => {
    const items = [item('a', 0, 1), item('b', 0, 3)];
    expect(shuffleByWeight(items, () => 0.1)[0]!.name).toBe('a');
    expect(shuffleByWeight(items, () => 0.5)[0]!.name).toBe('b');
  });

  it('puts an item first in proportion to its weight', () => {
    const counts = { heavy: 0, light: 0 };
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 4000; i += 1) {
      const first = shuffleByWeight([item('heavy', 0, 3), item('light', 0, 1)], random)[0]!;
      counts[first.name as 'heavy' | 'light'] += 1;
    }
    expect(counts.heavy / 4000).toBeGreaterThan(0.7);
    expect(counts.heavy / 4000).toBeLessThan(0.8);
  });
});
