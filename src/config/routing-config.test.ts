import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { parseConfig } from './parse-config.ts';

const channels = 'channels: [{ name: a, type: openai, models: [m] }]\n';

describe('routing in the config', () => {
  it('defaults to weighted for every model, with a 30 s slow start', () => {
    expect(parseConfig(channels, { file: 'sluice.yaml', env: {} }).routing).toEqual({ strategy: 'weighted', models: [], slowStartMs: 30_000 });
  });

  it('keeps the model globs in the order written (the first match wins)', () => {
    const config = parseConfig(`${channels}routing: { strategy: latency, models: { "gpt-4o*": least_busy, "gpt-*": weighted }, slow_start_s: 5 }`, { file: 'sluice.yaml', env: {} });
    expect(config.routing).toEqual({ strategy: 'latency', models: [['gpt-4o*', 'least_busy'], ['gpt-*', 'weighted']], slowStartMs: 5000 });
  });

  it('refuses an unknown strategy name, listing the valid ones', () => {
    let problems: readonly string[] = [];
    try {
      parseConfig(`${channels}routing: { models: { "gpt-*": fastest } }`, { file: 'sluice.yaml', env: {} });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems.join('\n')).toContain('expected one of weighted, least_busy, latency');
  });
});
