// `workers: N | auto` and `--workers N|auto` (docs/deploy.md "Workers"): read with a default of 1,
// refused without redis (N workers would each count limits alone), refused when not a count.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.ts';
import { parseCliArgs } from './parse-cli-args.ts';
import { resolveStartupConfig } from './resolve-startup-config.ts';
import { problemsThrownBy } from './__fixtures__/problems-thrown-by.ts';

const channels = 'channels: [{ name: a, type: echo, models: [m] }]';
const shared = 'store: postgres://sluice@db/sluice\nredis: redis://cache:6379/0';

function parse(text: string, env: Record<string, string> = {}) {
  return parseConfig(`${channels}\n${text}`, { file: 'sluice.yaml', env });
}

const problemsOf = problemsThrownBy;

describe('workers in the config', () => {
  it('is 1 by default, and reads a count or auto (also as ${ENV} text)', () => {
    expect(parse('').workers).toBe(1);
    expect(parse(`${shared}\nworkers: 3`).workers).toBe(3);
    expect(parse(`${shared}\nworkers: auto`).workers).toBe('auto');
    expect(parse(`${shared}\nworkers: \${WORKERS}`, { WORKERS: '4' }).workers).toBe(4);
    expect(parse('workers: 1').workers).toBe(1);
  });

  it('refuses more than one worker, or auto, without redis, saying why', () => {
    expect(problemsOf(() => parse('workers: 3'))).toEqual([
      'sluice.yaml: workers: needs redis (redis: redis://host:6379/0 or SLUICE_REDIS_URL, with a PostgreSQL store): each worker is a process with its own counters, so without shared state every rpm/tpm limit and max_concurrency would be admitted 3 times; set workers: 1 or configure redis (docs/deploy.md "Workers")',
    ]);
    expect(problemsOf(() => parse('store: postgres://sluice@db/sluice\nworkers: auto'))[0]).toMatch(/^sluice\.yaml: workers: needs redis .* admitted once per core;/);
    expect(parse('store: postgres://sluice@db/sluice\nworkers: 2', { SLUICE_REDIS_URL: 'redis://cache:6379/0' }).workers).toBe(2);
  });

  it('refuses what is not a positive count', () => {
    for (const value of ['0', '-2', '1.5', 'many', 'true']) {
      expect(problemsOf(() => parse(`${shared}\nworkers: ${value}`))).toEqual([`sluice.yaml: workers: expected a positive integer or auto, got ${value === 'many' ? '"many"' : value}`]);
    }
  });

  it('reads the redis round-trip bound, 100 ms by default', () => {
    expect(parse(shared).redis?.commandTimeoutMs).toBe(100);
    expect(parse(`${shared}\nredis_timeout_ms: 750`).redis?.commandTimeoutMs).toBe(750);
  });
});

describe('--workers', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'sluice-workers-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('reads a count or auto, and refuses anything else with the usage', () => {
    expect(parseCliArgs(['--workers', '4']).workers).toBe(4);
    expect(parseCliArgs(['--workers=auto']).workers).toBe('auto');
    expect(parseCliArgs([]).workers).toBeUndefined();
    expect(problemsOf(() => parseCliArgs(['--workers', 'two']))[0]).toBe('option --workers expects a positive integer or auto, got "two"');
    expect(problemsOf(() => parseCliArgs(['--workers', '0']))[0]).toBe('option --workers expects a positive integer or auto, got "0"');
  });

  it('overrides the file, and needs redis as the file does', () => {
    writeFileSync(join(directory, 'shared.yaml'), `${channels}\n${shared}\n`);
    writeFileSync(join(directory, 'alone.yaml'), `${channels}\nstore: postgres://sluice@db/sluice\n`);
    const options = { cwd: directory, env: {} };
    expect(resolveStartupConfig(parseCliArgs(['-c', 'shared.yaml', '--workers', '3']), options).workers).toBe(3);
    expect(resolveStartupConfig(parseCliArgs(['-c', 'alone.yaml', '--workers', '1']), options).workers).toBe(1);
    expect(problemsOf(() => resolveStartupConfig(parseCliArgs(['-c', 'alone.yaml', '--workers', '2']), options))[0]).toMatch(/^--workers 2: needs redis \(redis: redis:\/\/host:6379\/0 or SLUICE_REDIS_URL, with a PostgreSQL store\)/);
  });
});
