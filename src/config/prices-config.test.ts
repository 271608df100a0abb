import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePricesFile } from './load-prices-file.ts';
import { parseConfig } from './parse-config.ts';
import { problemsThrownBy } from './__fixtures__/problems-thrown-by.ts';

const directory = mkdtempSync(join(tmpdir(), 'sluice-prices-'));
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const channels = 'channels:\n  - { name: echo, type: echo, models: ["*"] }\n';

function parse(text: string, file = join(directory, 'sluice.yaml')) {
  return parseConfig(text, { file, env: {} });
}

const problemsOf = problemsThrownBy;

describe('prices in the config', () => {
  it('reads prices per model name or glob, USD per 1M tokens', () => {
    const config = parse(`${channels}prices:\n  gpt-4o: { input: 2.5, cached_input: 1.25, output: 10 }\n  "claude-*": { input: 3, cache_write_input: 3.75, output: 15 }\n`);
    expect(config.prices).toEqual({
      'gpt-4o': { input: 2.5, cachedInput: 1.25, cacheWriteInput: undefined, output: 10 },
      'claude-*': { input: 3, cachedInput: undefined, cacheWriteInput: 3.75, output: 15 },
    });
  });

  it('has no prices by default', () => {
    expect(parse(channels).prices).toEqual({});
  });

  it('refuses negative prices and unknown fields, all at once', () => {
    const problems = problemsOf(() => parse(`${channels}prices:\n  gpt-4o: { input: -1, output: 10 }\n  m: { input: 1, output: 2, cached: 0.5 }\n  n: { input: 1 }\n`));
    expect(problems).toEqual([
      expect.stringMatching(/prices\.gpt-4o\.input: expected a number of 0 or more, got -1/),
      expect.stringMatching(/prices\.m\.cached: unknown key; known keys: input, cached_input, cache_write_input, output/),
      expect.stringMatching(/prices\.n\.output: required field is missing/),
    ]);
  });

  it('includes a prices file relative to the config file; the config\'s own prices win', () => {
    writeFileSync(join(directory, 'prices.yaml'), 'prices:\n  gpt-4o: { input: 2.5, output: 10 }\n  gpt-4o-mini: { input: 0.15, output: 0.6 }\n');
    const config = parse(`${channels}prices_file: prices.yaml\nprices:\n  gpt-4o: { input: 1, output: 2 }\n`);
    expect(config.prices['gpt-4o']).toMatchObject({ input: 1, output: 2 });
    expect(config.prices['gpt-4o-mini']).toMatchObject({ input: 0.15, output: 0.6 });
  });

  it('names the prices file in its problems, and a missing one', () => {
    const path = join(directory, 'bad-prices.yaml');
    writeFileSync(path, 'prices:\n  gpt-4o: { input: 2.5, output: -3 }\nextra: 1\n');
    const problems = problemsOf(() => parse(`${channels}prices_file: bad-prices.yaml\n`));
    expect(problems).toContain(`${path}: prices.gpt-4o.output: expected a number of 0 or more, got -3`);
    expect(problems.some((problem) => problem.startsWith(`${path}: extra`))).toBe(true);
    expect(problemsOf(() => parse(`${channels}prices_file: nowhere.yaml\n`))).toEqual([`${join(directory, 'nowhere.yaml')}: file not found`]);
  });

  it('reads budgets on config keys, and refuses a bad period', () => {
    const config = parse(`${channels}keys:\n  - { name: app, key: sk-app-1, budget: { usd: 5, period: day } }\n`);
    expect(config.keys[0]?.budget).toEqual({ usd: 5, period: 'day' });
    expect(problemsOf(() => parse(`${channels}keys:\n  - { name: app, key: sk-app-1, budget: { usd: -5, period: week } }\n`))).toEqual([
      expect.stringMatching(/keys\[0\]\.budget\.usd: expected a number of 0 or more/),
      expect.stringMatching(/keys\[0\]\.budget\.period: expected one of day, month/),
    ]);
  });
});

describe('the shipped prices file', () => {
  const shipped = new URL('../../prices/2025-10.yaml', import.meta.url);
  const text = readFileSync(shipped, 'utf8');

  it('validates, prices the well-known models, and says its date and sources', () => {
    const table = parsePricesFile(text, shipped.pathname);
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3', 'o4-mini', 'claude-sonnet-4-5', 'gemini-2.5-pro', 'deepseek-chat', 'grok-3']) expect(table[model], model).toBeDefined();
    expect(text).toMatch(/^# As of: October 2025/m);
    expect(text).toMatch(/https:\/\/platform\.openai\.com\/docs\/pricing/);
  });

  it('can be included from a config', () => {
    const config = parse(`${channels}prices_file: ${shipped.pathname}\n`);
    expect(config.prices['gpt-4o-2024-08-06']).toBeUndefined();
    expect(config.prices['gpt-4o-20??-??-??']).toMatchObject({ input: 2.5, cachedInput: 1.25, output: 10 });
  });
});
