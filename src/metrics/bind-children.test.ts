// Bound children write prom-client's own series: the same values through prom-client's `labels()`
// children and through bound ones render the same /metrics text, before and after a reset.
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { bindCounter, bindHistogram } from './bind-children.ts';

function metricsIn(registry: Registry) {
  return {
    requests: new Counter({ name: 'requests_total', help: 'h', labelNames: ['model', 'channel', 'status'], registers: [registry] }),
    duration: new Histogram({ name: 'duration_seconds', help: 'h', labelNames: ['stream', 'model'], buckets: [0.005, 0.1, 1, 2.5], registers: [registry] }),
    overhead: new Histogram({ name: 'overhead_seconds', help: 'h', buckets: [0.0001, 0.001], registers: [registry] }),
    tokens: new Counter({ name: 'tokens_total', help: 'h', labelNames: ['type'], registers: [registry] }),
  };
}

/** A seeded run of observations: label tuples from small sets, values on and between the bounds. */
function observations(seed: number, count: number) {
  let state = seed;
  const next = (): number => ((state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return Array.from({ length: count }, () => ({
    model: pick(['a', 'b', 'gpt-4o', 'with "quote"']),
    channel: pick(['x', 'y']),
    status: pick(['200', '503']),
    stream: pick(['true', 'false']),
    seconds: pick([0, 0.005, 0.0051, 0.1, 0.5, 1, 2.5, 2.6, 300, next()]),
    tokens: pick([0, 1, 12, 4096]),
  }));
}

describe('bound children', () => {
  it('render what prom-client’s own children render for the same values, after a reset too', async () => {
    const plainRegistry = new Registry();
    const boundRegistry = new Registry();
    const plain = metricsIn(plainRegistry);
    const bound = metricsIn(boundRegistry);
    const boundOverhead = bindHistogram(bound.overhead, []);
    const children = new Map<string, { requests: ReturnType<typeof bindCounter>; duration: ReturnType<typeof bindHistogram>; tokens: ReturnType<typeof bindCounter> }>();
    const play = (seed: number): void => {
      for (const seen of observations(seed, 400)) {
        plain.requests.labels(seen.model, seen.channel, seen.status).inc();
        plain.duration.labels(seen.stream, seen.model).observe(seen.seconds);
        plain.overhead.observe(seen.seconds / 100);
        plain.tokens.labels(seen.stream).inc(seen.tokens);
        const key = JSON.stringify(seen);
        const child = children.get(key) ?? { requests: bindCounter(bound.requests, [seen.model, seen.channel, seen.status]), duration: bindHistogram(bound.duration, [seen.stream, seen.model]), tokens: bindCounter(bound.tokens, [seen.stream]) };
        children.set(key, child);
        child.requests.inc();
        child.duration.observe(seen.seconds);
        boundOverhead.observe(seen.seconds / 100);
        child.tokens.inc(seen.tokens);
      }
    };
    expect(await boundRegistry.metrics()).toBe(await plainRegistry.metrics());
    play(1);
    const rendered = await boundRegistry.metrics();
    expect(rendered).toBe(await plainRegistry.metrics());
    expect(rendered).toMatch(/duration_seconds_bucket\{le="0.1",stream="(true|false)",model="a"\} \d+/);
    plainRegistry.resetMetrics();
    boundRegistry.resetMetrics();
    play(2);
    expect(await boundRegistry.metrics()).toBe(await plainRegistry.metrics());
    expect(await bound.requests.get()).toEqual(await plain.requests.get());
  });

  it('refuses what prom-client refuses', () => {
    const registry = new Registry();
    const { requests, duration } = metricsIn(registry);
    expect(() => {
      bindCounter(requests, ['a', 'x', '200']).inc(-1);
    }).toThrow('It is not possible to decrease a counter');
    expect(() => {
      bindHistogram(duration, ['true', 'a']).observe(Number.POSITIVE_INFINITY);
    }).toThrow(TypeError);
    expect(() => bindCounter(requests, ['a'])).toThrow(/label values/);
  });
});
