import { describe, expect, it } from 'vitest';
import { defaultBreakerPolicy, defaultRetryPolicy, defaultTimeoutPolicy } from './defaults.ts';
import { ConfigError } from './config-error.ts';
import { embeddedDefaultConfig } from './embedded-default.ts';

describe('embeddedDefaultConfig', () => {
  it('serves on loopback with SQLite, no keys and one echo channel', () => {
    const config = embeddedDefaultConfig();
    expect(config).toMatchObject({
      file: undefined,
      listen: { host: '127.0.0.1', port: 8080 },
      store: 'sqlite:./data/sluice.db',
      adminKey: undefined,
      keys: [],
      retry: defaultRetryPolicy,
      timeouts: defaultTimeoutPolicy,
      breaker: defaultBreakerPolicy,
    });
    expect(config.channels).toHaveLength(1);
    expect(config.channels[0]).toMatchObject({ name: 'echo', type: 'echo', models: ['echo', 'echo-*'], apiKeys: [] });
  });

  it('returns a fresh object each call so one caller cannot change another', () => {
    const first = embeddedDefaultConfig();
    first.listen.port = 1;
    first.retry.attempts = 99;
    expect(embeddedDefaultConfig().listen.port).toBe(8080);
    expect(embeddedDefaultConfig().retry.attempts).toBe(defaultRetryPolicy.attempts);
  });

  it('takes SLUICE_ADMIN_KEY as its admin key, so the console works without a config file', () => {
    const adminKey = 'admin-key-from-the-environment-0123';
    expect(embeddedDefaultConfig({ SLUICE_ADMIN_KEY: adminKey }).adminKey).toBe(adminKey);
    expect(embeddedDefaultConfig({ SLUICE_ADMIN_KEY: '' }).adminKey).toBeUndefined();
  });

  it('refuses a SLUICE_ADMIN_KEY too short to be safe, naming the variable but not the value', () => {
    expect(() => embeddedDefaultConfig({ SLUICE_ADMIN_KEY: 'short-secret' })).toThrow(ConfigError);
    expect(() => embeddedDefaultConfig({ SLUICE_ADMIN_KEY: 'short-secret' })).toThrow(/^SLUICE_ADMIN_KEY .*too short \(12 characters\)/);
    expect(() => embeddedDefaultConfig({ SLUICE_ADMIN_KEY: 'short-secret' })).not.toThrow(/short-secret/);
  });
});
