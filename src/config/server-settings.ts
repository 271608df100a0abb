// The `server:` section: how long a client may take to send a request, how long an idle connection
// is kept, how many connections are served at once (in all and per client address), and which
// reverse proxies may say who the client is (X-Forwarded-For). Defaults in defaults.ts.
import { isIP } from 'node:net';
import * as z from 'zod';
import { defaultServerSettings, idleTimeoutMarginMs } from './defaults.ts';
import { describeAt } from './format-path.ts';
import type { ConfigFields } from './schema-fields.ts';

export interface ServerSettings {
  /** Receiving one whole request (headers and body); not the answer, which may stream for long. */
  requestTimeoutMs: number;
  /** Receiving a request's headers. */
  headersTimeoutMs: number;
  /** An idle kept-alive connection between two requests. */
  keepAliveTimeoutMs: number;
  /** A connection with no byte in either direction, a request in progress or not. */
  idleTimeoutMs: number;
  maxConnections: number;
  /** Per client address (the socket's peer; a trusted proxy's own connections are not counted). */
  maxConnectionsPerIp: number;
  /** Addresses or CIDR ranges (or `loopback`, `linklocal`, `uniquelocal`) whose X-Forwarded-For is believed. */
  trustedProxies: string[];
  /** Connections the kernel may hold, not yet accepted, before it turns new ones away (listen(2)'s backlog; capped by net.core.somaxconn). */
  listenBacklog: number;
}

/** proxy-addr's names for address ranges (fastify's trustProxy takes the same). */
export const namedProxyRanges: Readonly<Record<string, readonly string[]>> = Object.freeze({
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
});

function isProxyAddress(value: string): boolean {
  if (value in namedProxyRanges) return true;
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** The `server:` section's schema, built with the rest of the config schemas (schema.ts). */
export function buildServerSchema({ positiveInteger, text }: ConfigFields) {
  const proxyAddress = text.refine(isProxyAddress, { error: 'expected an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal' });

  const serverSchema = z.strictObject(
    {
      request_timeout_ms: positiveInteger.nullish().describe(`Receiving one whole request, headers and body (not the answer). Default ${defaultServerSettings.requestTimeoutMs}.`),
      headers_timeout_ms: positiveInteger.nullish().describe(`Receiving a request's headers; at most request_timeout_ms. Default ${defaultServerSettings.headersTimeoutMs}.`),
      keep_alive_timeout_ms: positiveInteger.nullish().describe(`An idle kept-alive connection between two requests. Default ${defaultServerSettings.keepAliveTimeoutMs}.`),
      idle_timeout_ms: positiveInteger.nullish().describe(`A connection with no byte either way. Default: the longest timeouts.total_ms plus ${idleTimeoutMarginMs}.`),
      max_connections: positiveInteger.nullish().describe(`Connections served at once. Default ${defaultServerSettings.maxConnections}.`),
      max_connections_per_ip: positiveInteger.nullish().describe(`Connections per client address. Default ${defaultServerSettings.maxConnectionsPerIp}.`),
      listen_backlog: positiveInteger.refine((backlog) => backlog <= 65_535, { error: 'expected a positive integer of at most 65535' }).nullish().describe(`Connections waiting to be accepted before the kernel turns new ones away (capped by net.core.somaxconn). Default ${defaultServerSettings.listenBacklog}.`),
      trusted_proxies: z.array(proxyAddress, { error: 'expected a list of addresses or CIDR ranges' }).nullish().describe('Addresses, CIDR ranges or loopback/linklocal/uniquelocal whose X-Forwarded-For is believed. Default: none.'),
    },
    { error: 'expected a mapping' },
  );
  return serverSchema;
}

export type RawServer = z.output<ReturnType<typeof buildServerSchema>>;

/** Node refuses a headers timeout longer than the request timeout (both cover the headers). */
export function checkServerSettings(raw: RawServer | null | undefined): string[] {
  const requestMs = raw?.request_timeout_ms ?? defaultServerSettings.requestTimeoutMs;
  if (raw?.headers_timeout_ms == null || raw.headers_timeout_ms <= requestMs) return [];
  return [describeAt(['server', 'headers_timeout_ms'], `must not be longer than server.request_timeout_ms (${requestMs}), got ${raw.headers_timeout_ms}`)];
}

/**
 * The idle timeout defaults to the longest upstream `timeouts.total_ms` plus a margin: a non-stream
 * answer sends no byte until the upstream is done, and must not be cut before the upstream's own limit.
 */
export function resolveServerSettings(raw: RawServer | null | undefined, longestTotalMs: number): ServerSettings {
  const requestTimeoutMs = raw?.request_timeout_ms ?? defaultServerSettings.requestTimeoutMs;
  return {
    requestTimeoutMs,
    headersTimeoutMs: raw?.headers_timeout_ms ?? Math.min(defaultServerSettings.headersTimeoutMs, requestTimeoutMs),
    keepAliveTimeoutMs: raw?.keep_alive_timeout_ms ?? defaultServerSettings.keepAliveTimeoutMs,
    idleTimeoutMs: raw?.idle_timeout_ms ?? longestTotalMs + idleTimeoutMarginMs,
    maxConnections: raw?.max_connections ?? defaultServerSettings.maxConnections,
    maxConnectionsPerIp: raw?.max_connections_per_ip ?? defaultServerSettings.maxConnectionsPerIp,
    trustedProxies: [...(raw?.trusted_proxies ?? defaultServerSettings.trustedProxies)],
    listenBacklog: raw?.listen_backlog ?? defaultServerSettings.listenBacklog,
  };
}
