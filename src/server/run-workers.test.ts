import { describe, expect, it } from 'vitest';
import { defaultWorkerPolicy } from '../config/defaults.ts';
import { computeRestartDelay, countWorkers } from './run-workers.ts';

describe('countWorkers', () => {
  it('takes a count as it is and auto as one per core', () => {
    expect(countWorkers(3, 8)).toBe(3);
    expect(countWorkers('auto', 8)).toBe(8);
    expect(countWorkers('auto', 0)).toBe(1);
  });
});

describe('computeRestartDelay', () => {
  it('doubles from the base per death in a row, never above the bound', () => {
    const delays = [1, 2, 3, 4, 8, 100, 5000].map((deaths) => computeRestartDelay(deaths, defaultWorkerPolicy));
    expect(delays).toEqual([100, 200, 400, 800, 10_000, 10_000, 10_000]);
  });
});
