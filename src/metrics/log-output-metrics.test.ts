import { describe, expect, it } from 'vitest';
import { Registry } from './prom-client-parts.ts';
import { countLostLogLines } from './log-output-metrics.ts';

describe('countLostLogLines', () => {
  it("counts the logger's tally of dropped lines at each scrape, from 0", async () => {
    const registry = new Registry();
    let lines = 0;
    countLostLogLines(registry, () => lines);
    const scrape = async (): Promise<string> => (await registry.metrics()).split('\n').filter((line) => line.startsWith('sluice_log_lines_dropped_total')).join('\n');
    expect(await scrape()).toBe('sluice_log_lines_dropped_total 0');
    lines = 1609;
    expect(await scrape()).toBe('sluice_log_lines_dropped_total 1609');
    expect(await scrape()).toBe('sluice_log_lines_dropped_total 1609');
    lines = 1700;
    expect(await scrape()).toBe('sluice_log_lines_dropped_total 1700');
  });
});
