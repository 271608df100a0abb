import { describe, expect, it } from 'vitest';
import { defaultServerSettings } from './defaults.ts';
import { parseConfig } from './parse-config.ts';
import { problemsThrownBy } from './__fixtures__/problems-thrown-by.ts';

const channel = 'channels: [{ name: a, type: openai, models: [m], timeouts: { total_ms: 900000 } }]';

function problemsOf(text: string): readonly string[] {
  return problemsThrownBy(() => parseConfig(text, { file: 'sluice.yaml', env: {} }));
}

describe('the server section', () => {
  it('has named defaults, the idle timeout past the longest upstream total timeout', () => {
    const config = parseConfig(channel, { file: 'sluice.yaml', env: {} });
    expect(config.server).toEqual({ ...defaultServerSettings, trustedProxies: [], idleTimeoutMs: 900_000 + 60_000 });
    expect(config.metricsKey).toBeUndefined();
  });

  it('reads every field, metrics_key too', () => {
    const config = parseConfig(
      `metrics_key: scrape-me\nserver: { request_timeout_ms: 5000, headers_timeout_ms: 2000, keep_alive_timeout_ms: 1000, idle_timeout_ms: 9000, max_connections: 50, max_connections_per_ip: 5, trusted_proxies: [10.0.0.0/8, "::1", loopback], listen_backlog: 1024 }\n${channel}`,
      { file: 'sluice.yaml', env: {} },
    );
    expect(config.metricsKey).toBe('scrape-me');
    expect(config.server).toEqual({ requestTimeoutMs: 5000, headersTimeoutMs: 2000, keepAliveTimeoutMs: 1000, idleTimeoutMs: 9000, maxConnections: 50, maxConnectionsPerIp: 5, trustedProxies: ['10.0.0.0/8', '::1', 'loopback'], listenBacklog: 1024 });
  });

  it('keeps the headers timeout within a short request timeout', () => {
    expect(parseConfig(`server: { request_timeout_ms: 3000 }\n${channel}`, { file: 'sluice.yaml', env: {} }).server.headersTimeoutMs).toBe(3000);
  });

  it('names a headers timeout longer than the request timeout, a bad proxy entry and a zero cap', () => {
    expect(problemsOf(`server: { request_timeout_ms: 1000, headers_timeout_ms: 2000 }\n${channel}`)).toEqual(['sluice.yaml: server.headers_timeout_ms: must not be longer than server.request_timeout_ms (1000), got 2000']);
    expect(problemsOf(`server: { trusted_proxies: [10.0.0.0/33, proxy.example] }\n${channel}`)).toHaveLength(2);
    expect(problemsOf(`server: { max_connections_per_ip: 0 }\n${channel}`)[0]).toMatch(/server\.max_connections_per_ip: expected a positive integer/);
    expect(problemsOf(`server: { listen_backlog: 70000 }\n${channel}`)[0]).toMatch(/server\.listen_backlog: expected a positive integer of at most 65535/);
    expect(problemsOf(`server: { listen_backlog: 0 }\n${channel}`)[0]).toMatch(/server\.listen_backlog: expected a positive integer/);
  });
});
