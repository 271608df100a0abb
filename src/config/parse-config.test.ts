import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultBreakerPolicy, defaultRetryPolicy, defaultTimeoutPolicy, defaultUpstreamLimits } from './defaults.ts';
import { parseConfig } from './parse-config.ts';

const exampleYaml = readFileSync(new URL('__fixtures__/sluice.example.yaml', import.meta.url), 'utf8');
const exampleEnv = { SLUICE_ADMIN_KEY: 'admin-secret-of-16-chars', APP_KEY: 'sk-app', XAI_API_KEY: 'xai-1', AZURE_KEY: 'az-1' };

function parse(text: string, env: Record<string, string | undefined> = {}) {
  return parseConfig(text, { file: 'sluice.yaml', env });
}

describe('parseConfig', () => {
  it('reads the example config from the design into camelCase with env values filled in', () => {
    const config = parse(exampleYaml, exampleEnv);
    expect(config.file).toBe('sluice.yaml');
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.adminKey).toBe('admin-secret-of-16-chars');
    expect(config.keys).toEqual([{ name: 'app', key: 'sk-app', models: ['*'], rpm: 600, tpm: 200000 }]);
    expect(config.fallbacks).toEqual({ 'gpt-4o': ['gpt-4o-mini'] });
    expect(config.limits).toEqual({ bodyBytes: 1048576, defaultCompletionTokensEstimate: 1024, uploadBytes: 26214400 });
    expect(config.sse).toEqual({ keepaliveMs: 10000 });
    expect(config.logLevel).toBe('debug');
    expect(config.channels[0]).toEqual({
      name: 'xai',
      type: 'openai',
      baseUrl: 'https://api.x.ai/v1',
      apiKeys: ['xai-1'],
      models: ['grok-2-1212'],
      modelMap: { grok: 'grok-2-1212' },
      priority: 0,
      weight: 1,
      overrides: { stream_options: null },
      headers: { 'X-Extra': 'value' },
      apiVersion: undefined,
      maxConcurrency: 32,
      preferStream: false,
      debug: false,
      capabilities: { 'grok-2-1212': { streamOptions: false }, 'qwq-*': { stream: 'required' } },
      retry: defaultRetryPolicy,
      timeouts: defaultTimeoutPolicy,
      // The design's `breaker: { failures: 5 }` reads as "at least 5 calls" in the rate-based breaker.
      breaker: { ...defaultBreakerPolicy, minCalls: 5 },
      limits: defaultUpstreamLimits,
    });
  });

  it('keeps an unquoted date such as api_version: 2024-10-21 as the string "2024-10-21"', () => {
    const config = parse(exampleYaml, exampleEnv);
    expect(config.channels[1]?.apiVersion).toBe('2024-10-21');
  });

  it('lets per-channel retry and timeouts override the top-level ones field by field', () => {
    const config = parse(
      [
        'retry: { attempts: 6, max_ms: 9000 }',
        'timeouts: { idle_ms: 1000 }',
        'breaker: { failures: 2 }',
        'channels:',
        '  - { name: a, type: echo, models: [m], retry: { attempts: 2 }, timeouts: { connect_ms: 50 }, breaker: { cooldown_ms: 0 } }',
        '  - { name: b, type: echo, models: [m] }',
      ].join('\n'),
    );
    expect(config.retry).toEqual({ attempts: 6, baseMs: 200, maxMs: 9000, maxRetryAfterMs: 60_000 });
    expect(config.channels[0]?.retry).toEqual({ attempts: 2, baseMs: 200, maxMs: 9000, maxRetryAfterMs: 60_000 });
    expect(config.channels[0]?.timeouts).toEqual({ ...defaultTimeoutPolicy, connectMs: 50, idleMs: 1000 });
    expect(config.channels[0]?.breaker).toEqual({ ...defaultBreakerPolicy, minCalls: 2, cooldownMs: 0 });
    expect(config.channels[1]?.retry).toEqual(config.retry);
  });

  it('reads the rate-based breaker, and refuses a failure_rate outside (0, 1]', () => {
    const config = parse('breaker: { failure_rate: 0.25, window_ms: 5000, min_calls: 3 }\nchannels: [{ name: a, type: echo, models: [m] }]');
    expect(config.channels[0]?.breaker).toEqual({ failureRate: 0.25, windowMs: 5000, minCalls: 3, cooldownMs: defaultBreakerPolicy.cooldownMs });
    expect(() => parse('breaker: { failure_rate: 50 }\nchannels: [{ name: a, type: echo, models: [m] }]')).toThrow(/failure_rate.*above 0 and at most 1/s);
  });

  it('lets a channel override the top-level upstream caps field by field', () => {
    const config = parse(
      [
        'limits: { upstream_body_bytes: 1000 }',
        'channels:',
        '  - { name: a, type: echo, models: [m], limits: { upstream_stream_bytes: 50 } }',
        '  - { name: b, type: echo, models: [m] }',
      ].join('\n'),
    );
    expect(config.upstreamLimits).toEqual({ bodyBytes: 1000, streamBytes: defaultUpstreamLimits.streamBytes });
    expect(config.channels[0]?.limits).toEqual({ bodyBytes: 1000, streamBytes: 50 });
    expect(config.channels[1]?.limits).toEqual(config.upstreamLimits);
  });

  it('fills every default for a minimal config', () => {
    const config = parse('channels: [{ name: local, type: ollama, models: ["llama*"] }]');
    expect(config).toMatchObject({
      listen: { host: '127.0.0.1', port: 8080 },
      store: 'sqlite:./data/sluice.db',
      adminKey: undefined,
      keys: [],
      fallbacks: {},
      limits: { bodyBytes: 10 * 1024 * 1024, defaultCompletionTokensEstimate: 1024, uploadBytes: 25 * 1024 * 1024 },
      retention: { logDays: 30, captureDays: 7 },
      sse: { keepaliveMs: 15000 },
      logLevel: 'info',
      dropUnsupportedTools: false,
    });
    expect(config.channels[0]).toMatchObject({
      baseUrl: undefined,
      apiKeys: [],
      modelMap: {},
      headers: {},
      overrides: undefined,
      capabilities: {},
      priority: 0,
      weight: 1,
      maxConcurrency: undefined,
    });
  });

  it('turns numeric and boolean text from ${ENV} into numbers and booleans', () => {
    const config = parse(
      'listen: { port: "${PORT}" }\nchannels: [{ name: a, type: echo, models: [m], weight: "${W}", debug: "${DEBUG}" }]',
      { PORT: '9090', W: '0.5', DEBUG: 'true' },
    );
    expect(config.listen.port).toBe(9090);
    expect(config.channels[0]?.weight).toBe(0.5);
    expect(config.channels[0]?.debug).toBe(true);
  });

  it('rotates api_keys in the order given', () => {
    const config = parse('channels: [{ name: a, type: openai, models: [m], api_keys: [k1, "${K2}"] }]', { K2: 'k2' });
    expect(config.channels[0]?.apiKeys).toEqual(['k1', 'k2']);
  });

  it('drops a trailing slash from base_url so providers can append their path', () => {
    const config = parse('channels: [{ name: a, type: openai, models: [m], base_url: "http://localhost:11434/v1/" }]');
    expect(config.channels[0]?.baseUrl).toBe('http://localhost:11434/v1');
  });

  it('reads numeric header values as text', () => {
    const config = parse('channels: [{ name: a, type: openai, models: [m], headers: { X-Retries: 3 } }]');
    expect(config.channels[0]?.headers).toEqual({ 'X-Retries': '3' });
  });

  it('treats an empty optional field as unset', () => {
    const config = parse('admin_key:\nkeys:\nchannels: [{ name: a, type: echo, models: [m], weight: }]');
    expect(config.adminKey).toBeUndefined();
    expect(config.keys).toEqual([]);
    expect(config.channels[0]?.weight).toBe(1);
  });

  it("reads a channel's default_max_tokens, and leaves it out when unset", () => {
    const config = parse('channels: [{ name: a, type: anthropic, models: [m], default_max_tokens: "${MAX}" }, { name: b, type: anthropic, models: [m] }]', { MAX: '8192' });
    expect(config.channels[0]?.defaultMaxTokens).toBe(8192);
    expect(config.channels[1]).not.toHaveProperty('defaultMaxTokens');
  });

  it('accepts every channel type in channelTypes', () => {
    const config = parseConfig('channels: [{ name: a, type: echo, models: [m] }]', {
      file: 'sluice.yaml',
      env: {},
      channelTypes: ['openai', 'echo'],
    });
    expect(config.channels[0]?.type).toBe('echo');
  });
});
