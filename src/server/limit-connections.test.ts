import { describe, expect, it } from 'vitest';
import { compileTrustedProxies, normalizeAddress, serverTimeoutOptions } from './limit-connections.ts';

describe('compileTrustedProxies', () => {
  it('trusts listed addresses, CIDR ranges and named ranges, IPv4-mapped peers included', () => {
    const trusted = compileTrustedProxies(['10.0.0.0/8', '192.0.2.7', 'loopback', 'fd00::/8']);
    for (const address of ['10.1.2.3', '::ffff:10.1.2.3', '192.0.2.7', '127.0.0.1', '::1', 'fd00::5']) expect(trusted(address), address).toBe(true);
    for (const address of ['11.0.0.1', '192.0.2.8', '8.8.8.8', '2001:db8::1']) expect(trusted(address), address).toBe(false);
  });

  it('trusts nobody by default', () => {
    expect(compileTrustedProxies([])('127.0.0.1')).toBe(false);
  });
});

describe('normalizeAddress', () => {
  it('counts an IPv4 client the same on a dual-stack socket', () => {
    expect([normalizeAddress('::ffff:127.0.0.1'), normalizeAddress('127.0.0.1'), normalizeAddress('::1')]).toEqual(['127.0.0.1', '127.0.0.1', '::1']);
  });
});

describe('serverTimeoutOptions', () => {
  it('checks Node’s request timers a few times per timeout, never less often than Node does', () => {
    const settings = { requestTimeoutMs: 120_000, headersTimeoutMs: 20_000, keepAliveTimeoutMs: 65_000, idleTimeoutMs: 660_000, maxConnections: 10, maxConnectionsPerIp: 2, trustedProxies: [], listenBacklog: 4096 };
    expect(serverTimeoutOptions(settings)).toEqual({ requestTimeout: 120_000, keepAliveTimeout: 65_000, connectionTimeout: 660_000, http: { headersTimeout: 20_000, connectionsCheckingInterval: 5000 } });
    expect(serverTimeoutOptions({ ...settings, headersTimeoutMs: 400_000, requestTimeoutMs: 400_000 }).http.connectionsCheckingInterval).toBe(30_000);
  });
});
