import { describe, expect, it } from 'vitest';
import { interpolateEnv } from './interpolate-env.ts';
import { parseConfig } from './parse-config.ts';

describe('interpolateEnv', () => {
  it('replaces several references in one string', () => {
    expect(interpolateEnv('${HOST}:${PORT}', { HOST: 'h', PORT: '1' })).toEqual({ value: 'h:1', problems: [] });
  });

  it('keeps $${ as a literal ${', () => {
    expect(interpolateEnv('$${HOME} and ${A}', { A: 'a', HOME: 'no' }).value).toBe('${HOME} and a');
  });

  it('interpolates values in nested lists and mappings but never keys', () => {
    const result = interpolateEnv({ '${K}': [{ v: '${V}' }, 3, null] }, { K: 'key', V: 'value' });
    expect(result.value).toEqual({ '${K}': [{ v: 'value' }, 3, null] });
  });

  it('replaces with an empty string when a variable is set but empty', () => {
    expect(interpolateEnv('x${EMPTY}y', { EMPTY: '' }).value).toBe('xy');
  });

  it('names every missing variable with its field path', () => {
    const result = interpolateEnv({ channels: [{ api_key: '${A}', headers: { 'X-B': '${B}' } }] }, {});
    expect(result.problems).toEqual([
      'channels[0].api_key: environment variable A is not set',
      'channels[0].headers.X-B: environment variable B is not set',
    ]);
  });

  it('reports an unterminated or malformed reference', () => {
    expect(interpolateEnv({ a: 'x ${OOPS' }, {}).problems[0]).toMatch(/^a: unterminated \$\{/);
    expect(interpolateEnv({ a: '${not-a-name}' }, {}).problems).toEqual([
      'a: "${not-a-name}" is not a valid environment variable reference',
    ]);
  });
});

describe('parseConfig with ${ENV}', () => {
  it('accepts an unquoted reference inside a flow mapping as in the design example', () => {
    const config = parseConfig('keys: [{ name: app, key: ${APP_KEY}, models: ["*"] }]\nchannels: [{ name: a, type: echo, models: [m] }]', {
      file: 'sluice.yaml',
      env: { APP_KEY: 'sk-1' },
    });
    expect(config.keys[0]?.key).toBe('sk-1');
  });

  it('does not let an environment value change the YAML structure', () => {
    const config = parseConfig('admin_key: ${ADMIN}\nchannels: [{ name: a, type: echo, models: [m] }]', {
      file: 'sluice.yaml',
      env: { ADMIN: 'x\nstore: postgres://evil, # } and long enough' },
    });
    expect(config.adminKey).toBe('x\nstore: postgres://evil, # } and long enough');
    expect(config.store).toBe('sqlite:./data/sluice.db');
  });
});
