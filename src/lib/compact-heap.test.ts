import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { compactHeap, youngGenerationBytes } from './compact-heap.ts';

/** Allocates short-lived objects fast enough, with enough surviving a scavenge, that V8 grows the young generation. */
function growYoungGeneration(): void {
  let kept: object[] = [];
  for (let round = 0; round < 200; round++) {
    for (let index = 0; index < 20_000; index++) kept.push({ round, index, text: `item ${index}` });
    if (kept.length > 200_000) kept = [];
  }
}

describe('compactHeap', () => {
  it('gives the young generation back after start-up grew it', () => {
    growYoungGeneration();
    const grown = youngGenerationBytes();
    expect(grown).toBeGreaterThan(4 * 1024 * 1024);
    compactHeap();
    expect(youngGenerationBytes()).toBeLessThan(grown / 2);
  });

  it('leaves gc unexposed to other contexts', () => {
    compactHeap();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
