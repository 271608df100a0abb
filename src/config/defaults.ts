// Every config default lives here (STYLE.md 5): policies as data, no magic numbers elsewhere.

import type { BreakerPolicy, RetryPolicy, TimeoutPolicy } from '../core/channel.ts';

/**
 * Full-jitter exponential backoff bounds; `attempts` counts the first try on a channel. An upstream's
 * Retry-After is honoured up to `maxRetryAfterMs` (openai-node ignores values over 60 s likewise);
 * a longer one sends the request to another channel instead of waiting.
 */
export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({ attempts: 4, baseMs: 200, maxMs: 5000, maxRetryAfterMs: 60_000 });

export const defaultTimeoutPolicy: Readonly<TimeoutPolicy> = Object.freeze({
  connectMs: 5000,
  firstByteMs: 60_000,
  /** From the response headers to the first parsed chunk (some upstreams send headers at once). */
  firstChunkMs: 60_000,
  idleMs: 60_000,
  totalMs: 600_000,
});

/** Consecutive failures that open the circuit, and how long it stays open before a probe. */
export const defaultBreakerPolicy: Readonly<BreakerPolicy> = Object.freeze({ failures: 5, cooldownMs: 30_000 });

export const defaultListen: Readonly<{ host: string; port: number }> = Object.freeze({ host: '127.0.0.1', port: 8080 });

export const defaultStore = 'sqlite:./data/sluice.db';

export const defaultBodyBytes = 10 * 1024 * 1024;

export const defaultKeepaliveMs = 15_000;

export const defaultLogLevel = 'info';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const defaultKeyModels: readonly string[] = Object.freeze(['*']);

export const defaultChannelPriority = 0;

export const defaultChannelWeight = 1;

export const defaultConfigFileName = 'sluice.yaml';

/**
 * The HTTP server's bounds (`server:` in the config; docs/security.md "Connection limits"). A slow
 * client is cut once it took `requestTimeoutMs` to send a request (a 10 MiB body needs ~85 KB/s) or
 * `headersTimeoutMs` for its headers; an idle kept-alive connection is closed after
 * `keepAliveTimeoutMs` (longer than the 60 s idle timeout of common load balancers such as AWS ALB,
 * so the balancer, not Sluice, closes first).
 */
export const defaultServerSettings = Object.freeze({
  requestTimeoutMs: 120_000,
  headersTimeoutMs: 20_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 10_000,
  maxConnectionsPerIp: 256,
  trustedProxies: Object.freeze([] as string[]),
});

/** Added to the longest upstream `timeouts.total_ms` for the default `server.idle_timeout_ms`. */
export const idleTimeoutMarginMs = 60_000;
