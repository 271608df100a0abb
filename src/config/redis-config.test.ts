import { describe, expect, it } from 'vitest';
import { maskRedisUrl } from './check-redis-url.ts';
import { parseConfig } from './parse-config.ts';
import { problemsThrownBy } from './__fixtures__/problems-thrown-by.ts';

const channels = 'channels: [{ name: a, type: echo, models: [m] }]';
const postgres = 'store: postgres://sluice@db/sluice';

function parse(text: string, env: Record<string, string> = {}) {
  return parseConfig(`${channels}\n${text}`, { file: 'sluice.yaml', env });
}

function problemsOf(text: string, env: Record<string, string> = {}): readonly string[] {
  return problemsThrownBy(() => parse(text, env));
}

describe('redis in the config', () => {
  it('reads the address, the key prefix and the fallback share, with their defaults', () => {
    expect(parse(`${postgres}\nredis: rediss://app:s3cret@cache:6380/2`).redis).toEqual({ url: 'rediss://app:s3cret@cache:6380/2', keyPrefix: 'sluice:', fallbackInstances: 1, leaseMs: 30_000, commandTimeoutMs: 100 });
    expect(parse(`${postgres}\nredis: redis://cache:6379\nredis_key_prefix: "prod:"\nredis_fallback_instances: 3\nredis_timeout_ms: 500`).redis).toEqual({ url: 'redis://cache:6379', keyPrefix: 'prod:', fallbackInstances: 3, leaseMs: 30_000, commandTimeoutMs: 500 });
    expect(parse(postgres).redis).toBeUndefined();
  });

  it('takes SLUICE_REDIS_URL when the file sets no redis; the file wins', () => {
    expect(parse(postgres, { SLUICE_REDIS_URL: 'redis://env:6379/1' }).redis?.url).toBe('redis://env:6379/1');
    expect(parse(`${postgres}\nredis: redis://file:6379`, { SLUICE_REDIS_URL: 'redis://env:6379/1' }).redis?.url).toBe('redis://file:6379');
  });

  it('says what is wrong with an address, never echoing it (it may hold a password)', () => {
    expect(problemsOf(`${postgres}\nredis: http://user:hunter2@cache:6379`)).toEqual(['sluice.yaml: redis: the scheme is "http": expected redis://[user:password@]host:port/db or rediss://… (TLS)']);
    expect(problemsOf(`${postgres}\nredis: redis://:hunter2@cache:6379/zero`)).toEqual(['sluice.yaml: redis: the database after the host must be a number (redis://host:6379/0), got a path of 4 characters']);
    expect(problemsOf(`${postgres}\nredis: "redis://cache:6379/0?password=hunter2"`)[0]).toContain('has a query or a fragment');
    expect(problemsOf(`${postgres}\nredis: not a url`)[0]).toContain('redis: not a URL');
    expect(problemsOf(`${postgres}\nredis: redis://cache\nredis_fallback_instances: 0`)).toEqual(['sluice.yaml: redis_fallback_instances: expected a positive integer, got 0']);
  });

  it('refuses redis with a SQLite store (explicit or the default), saying why', () => {
    for (const store of ['store: sqlite:./data/sluice.db', '']) {
      const [problem] = problemsOf(`${store}\nredis: redis://cache:6379`);
      expect(problem).toMatch(/^sluice\.yaml: redis: needs a PostgreSQL store \(store: postgres:\/\/…\): a SQLite store is one file used by one Sluice instance/);
    }
    expect(problemsOf('', { SLUICE_REDIS_URL: 'redis://cache:6379' })[0]).toContain('redis: needs a PostgreSQL store');
  });

  it('masks the password when the address is logged', () => {
    expect(maskRedisUrl('rediss://app:s3cret@cache:6380/2')).toBe('rediss://app:***@cache:6380/2');
    expect(maskRedisUrl('redis://cache:6379')).toBe('redis://cache:6379');
  });
});
