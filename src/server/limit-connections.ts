// Bounds on the HTTP server's connections (config `server:`, docs/security.md "Connection limits"):
// Node's own request, headers, keep-alive and idle timeouts, a global connection cap, and a cap per
// client address, counted on the socket's peer. Node's requestTimeout covers receiving the request
// (headers and body) only: a long streamed answer is not cut by it
// (https://nodejs.org/api/http.html#serverrequesttimeout).
import { BlockList, isIPv4 } from 'node:net';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { namedProxyRanges, type ServerSettings } from '../config/server-settings.ts';

/** Node checks the request and headers timeouts on a timer; a few checks per timeout keep the cut close to it. */
const timeoutChecksPerTimeout = 4;
/** Node's own checking interval (http.createServer `connectionsCheckingInterval`), the longest used. */
const longestCheckingIntervalMs = 30_000;

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) → `10.0.0.1`, so one client is one address. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return mapped !== undefined && isIPv4(mapped) ? mapped : address;
}

/** A test for "is this peer one of the trusted proxies", from addresses, CIDR ranges and range names. */
export function compileTrustedProxies(entries: readonly string[]): (address: string) => boolean {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries.flatMap((name) => namedProxyRanges[name] ?? [name])) {
    const [address = '', prefix] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (address) => {
    const normalized = normalizeAddress(address);
    return list.check(normalized, isIPv4(normalized) ? 'ipv4' : 'ipv6');
  };
}

/** The fastify options that carry the server settings. */
export function serverTimeoutOptions(settings: ServerSettings) {
  const checkingIntervalMs = Math.min(longestCheckingIntervalMs, Math.max(1, Math.floor(Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs) / timeoutChecksPerTimeout)));
  return {
    requestTimeout: settings.requestTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    connectionTimeout: settings.idleTimeoutMs,
    http: { headersTimeout: settings.headersTimeoutMs, connectionsCheckingInterval: checkingIntervalMs },
  };
}

/**
 * Caps the server's connections: `maxConnections` in all (Node closes the ones over it), and
 * `maxConnectionsPerIp` per peer address; a connection over that is closed at once. A trusted
 * proxy's connections carry many clients, so they are not counted per address.
 */
export function limitConnections(server: Server, settings: ServerSettings, isTrustedProxy: (address: string) => boolean): void {
  server.maxConnections = settings.maxConnections;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    if (socket.remoteAddress === undefined) return;
    const address = normalizeAddress(socket.remoteAddress);
    if (isTrustedProxy(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > settings.maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
