import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectProcessMetrics } from './collect-process-metrics.ts';
import { Registry } from './prom-client-parts.ts';

const require = createRequire(import.meta.url);
const collectDefaultMetrics = require('prom-client/lib/defaultMetrics.js') as typeof PromClient.collectDefaultMetrics;

/** Each metric's name, type and help, as /metrics lists them. */
async function describeMetrics(registry: Registry): Promise<string[]> {
  const metrics = await registry.getMetricsAsJSON();
  return metrics.map((metric) => `${metric.name} ${metric.type} ${metric.help}`);
}

describe('collectProcessMetrics', () => {
  it("registers prom-client's default metrics, in its order, with its names, types and help", async () => {
    const ours = new Registry();
    collectProcessMetrics(ours, 'sluice_');
    const theirs = new Registry();
    collectDefaultMetrics({ register: theirs, prefix: 'sluice_' });
    expect(await describeMetrics(ours)).toEqual(await describeMetrics(theirs));
  });

  it('counts the CPU time spent between two scrapes', async () => {
    const registry = new Registry();
    collectProcessMetrics(registry, 'p_');
    const seconds = async (name: string): Promise<number> => (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? Number.NaN;
    await registry.metrics();
    const before = process.cpuUsage();
    for (let spin = Date.now(); Date.now() - spin < 30; );
    const spent = process.cpuUsage(before);
    await registry.metrics();
    const user = await seconds('p_process_cpu_user_seconds_total');
    const system = await seconds('p_process_cpu_system_seconds_total');
    expect(user).toBeGreaterThanOrEqual(spent.user / 1e6 - 0.005);
    expect(await seconds('p_process_cpu_seconds_total')).toBeCloseTo(user + system, 6);
  });
});
