// Every config default lives here (docs/style.md 5): policies as data, no magic numbers elsewhere.

import type { CachePolicy } from '../core/cache-policy.ts';
import type { BreakerPolicy, RetryPolicy, TimeoutPolicy, UpstreamLimits } from '../core/channel.ts';

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

/**
 * The circuit opens when at least half of the calls in the last minute failed, once the minute held
 * ten calls (resilience4j's failureRateThreshold 50 and minimumNumberOfCalls, over a time window),
 * and stays open 30 s before one probe. A call is one request's stay on a channel, retries included.
 */
export const defaultBreakerPolicy: Readonly<BreakerPolicy> = Object.freeze({ failureRate: 0.5, windowMs: 60_000, minCalls: 10, cooldownMs: 30_000 });

/**
 * What Sluice reads from an upstream at most (decoded bytes, so a gzip bomb stops at the cap too):
 * a JSON answer or error body is held in memory whole, so it gets a tight cap; a stream is relayed
 * chunk by chunk, so its cap bounds a runaway upstream rather than memory.
 */
export const defaultUpstreamLimits: Readonly<UpstreamLimits> = Object.freeze({ bodyBytes: 32 * 1024 * 1024, streamBytes: 256 * 1024 * 1024 });

export const defaultListen: Readonly<{ host: string; port: number }> = Object.freeze({ host: '127.0.0.1', port: 8080 });

export const defaultStore = 'sqlite:./data/sluice.db';

/** Every key Sluice writes to Redis starts with this (`redis_key_prefix`). */
export const defaultRedisKeyPrefix = 'sluice:';

/**
 * `redis_fallback_instances`: how many instances share a key's limits while Redis is down. Each
 * admits `limit / N` locally; 1 (one instance) keeps the full limit on each, which the start-up log
 * and the down transition say loudly (docs/deploy.md "Redis: shared limits").
 */
export const defaultRedisFallbackInstances = 1;

/**
 * `redis_lease_ms`: the life of a `max_concurrency` slot held in Redis (docs/scale-out.md §E2,
 * "Channel concurrency"). Each instance refreshes all its leases every third of it with one timer, so a
 * live stream never loses its slot; a dead instance's slots come back after at most this long.
 */
export const defaultRedisLeaseMs = 30_000;

/** While a request waits for a slot held in Redis, how often its instance asks again (a release elsewhere sends no signal). */
export const defaultLeasePollMs = 25;

/**
 * The Redis client fails fast (docs/scale-out.md §E3, §G): no offline queue (a command while
 * disconnected fails at once), each command bounded by `commandTimeoutMs`, reconnects backing off
 * from `reconnectBaseMs` doubling up to `reconnectMaxMs`, connecting bounded by `connectTimeoutMs`.
 * After a failure the limiter stays local for `retryAfterFailureMs` before it tries Redis again, so
 * a hung Redis costs one timeout per interval, not one per request.
 */
export const defaultRedisClientPolicy = Object.freeze({
  commandTimeoutMs: 100,
  connectTimeoutMs: 1000,
  reconnectBaseMs: 50,
  reconnectMaxMs: 2000,
  retryAfterFailureMs: 1000,
});

/** `workers`: one process, as before node:cluster (docs/deploy.md "Workers"). */
export const defaultWorkers = 1;

/**
 * How the primary of `workers: N` (src/server/run-workers.ts) looks after its workers. A worker that
 * dies is forked again after `restartBaseMs`, doubling per death up to `restartMaxMs`; a worker that
 * lived `stableAfterMs` resets the doubling. On SIGTERM/SIGINT the primary waits `stopWaitMs` for the
 * workers to finish (longer than a worker's 30 s shutdown deadline plus its 2 s cut), then kills them.
 */
export const defaultWorkerPolicy = Object.freeze({
  restartBaseMs: 100,
  restartMaxMs: 10_000,
  stableAfterMs: 30_000,
  stopWaitMs: 40_000,
});

export const defaultBodyBytes = 10 * 1024 * 1024;

/**
 * The largest multipart upload (audio transcriptions/translations, image edits; docs/endpoints.md
 * "Uploads"): 25 MiB, OpenAI's own limit on an audio file. The body is held once in memory, because a
 * failover re-sends it.
 */
export const defaultUploadBytes = 25 * 1024 * 1024;

export const defaultKeepaliveMs = 15_000;

/**
 * Completion tokens reserved for a request that sets no output cap (issue 12). A few answers run
 * longer; what they use past it is settled after the answer, below zero if the quota runs out.
 */
export const defaultCompletionTokensEstimate = 1024;

/** How long a request past its key's `max_concurrency` waits for a slot (0: refused at once). */
export const defaultKeyQueueMs = 0;

/** Request log rows older than this are deleted. */
export const defaultLogRetentionDays = 30;

/** Debug captures (full bodies) older than this are nulled out; the row stays until log retention. */
export const defaultCaptureRetentionDays = 7;

export const defaultLogLevel = 'info';

/**
 * Hosted/server tools on a translated try (Responses' web_search, file_search, …; Messages'
 * web_search_*, bash_*, …): refused with a 400 by default, since a chat upstream cannot run them;
 * true drops them with an `x-sluice-dropped-tools` warning header (Codex sends `web_search` by
 * default, docs/ingress-protocols.md §D2). A same-dialect pass-through sends them as written either
 * way (docs/clients.md, "Pass-through").
 */
export const defaultDropUnsupportedTools = false;

/** Shorter admin keys stop start-up: the admin API holds every upstream credential (docs/security.md). */
export const minAdminKeyLength = 16;

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
  // Node's own is 511: a burst of new connections past it (a fleet reconnecting, the bench's 10,000
  // held streams) was turned away and retried by the clients' SYN timers (docs/benchmarks.md "Held
  // stream, round nine"). 4,096 is Linux's default net.core.somaxconn, which caps it anyway.
  listenBacklog: 4096,
});

/** Added to the longest upstream `timeouts.total_ms` for the default `server.idle_timeout_ms`. */
export const idleTimeoutMarginMs = 60_000;

/**
 * The instance registry (PostgreSQL, docs/deploy.md "Instance registry"): each instance rewrites its
 * `sluice_instances` row every `heartbeatMs` and re-counts the live rows; a row not rewritten within
 * `liveForMs` (three heartbeats: one slow beat is no death) is not live. A count older than
 * `liveForMs` (the registry could not be read since) is not used: the share falls back to
 * `redis_fallback_instances`.
 */
export const defaultInstanceRegistryPolicy = Object.freeze({
  heartbeatMs: 5_000,
  liveForMs: 15_000,
});

/**
 * Quotas held in Redis (docs/deploy.md "Quotas across instances", docs/scale-out.md §E2): a hold
 * lives the longest `timeouts.total_ms` plus `quotaHoldGraceMs` unsettled, so only the holds of an
 * instance that died ever expire. Settled charges go to the PostgreSQL ledger in batches of at most
 * `batchSize`, `flushIntervalMs` after the first waits (the spend another instance may not see
 * after Redis loses its copy is about this long's worth); a batch the database refused is retried
 * after each of `retryDelaysMs` (idempotent by request id), then counted lost and logged; at most
 * `maxQueued` charges wait (more are lost and logged).
 */
export const defaultQuotaLedgerPolicy = Object.freeze({
  quotaHoldGraceMs: 60_000,
  flushIntervalMs: 200,
  batchSize: 500,
  maxQueued: 100_000,
  retryDelaysMs: Object.freeze([100, 500, 2000]),
});

/**
 * Shared verdicts (docs/deploy.md "Shared verdicts"): the instance that owns a channel's health
 * check holds its Redis lease for this many check intervals, renewed at each check, so another
 * instance takes over within that long after the owner dies; a down verdict holds every
 * instance's circuit open as long (the next check's verdict replaces it).
 */
export const defaultHealthOwnerIntervals = 2;

/** Rows of `sluice_instances` not rewritten for this long (a crashed instance's) are deleted by the live instances' heartbeats. */
export const defaultInstancePruneAfterMs = 60 * 60_000;

/**
 * `config_poll_ms`: how often each instance on PostgreSQL reads `sluice_config_version`, the
 * backstop for a change whose NOTIFY it missed (docs/scale-out.md §E2): such a change is applied
 * within this long. Bounded to 100 ms–5 s: faster is a query storm, slower breaks the ≤ 5 s promise.
 */
export const defaultConfigPollMs = 2_000;
export const minConfigPollMs = 100;
export const maxConfigPollMs = 5_000;

/** `routing`: the balancing strategy within a priority, and the slow start of a recovered channel (docs/routing.md). */
export const defaultRoutingPolicy = Object.freeze({ strategy: 'weighted' as const, slowStartMs: 30_000 });

/** The exact response cache when `cache:` is configured (docs/caching.md); without it there is no cache. */
export const defaultCachePolicy: Readonly<CachePolicy> = Object.freeze({ ttlMs: 300_000, maxEntries: 1000, maxBytes: 64 * 1024 * 1024, models: Object.freeze(['*']), maxEntryBytes: 1024 * 1024, chargeHits: false });

/** An alert rule's `when` (docs/alerts.md): the error-rate window and the volume it needs to judge. */
export const defaultAlertWindowS = 300;
export const defaultAlertMinRequests = 20;
/** `hold_s`: a firing alert stays firing at least this long, so a flapping channel sends two messages, not a storm. */
export const defaultAlertHoldS = 60;
/** A firing error-rate alert resolves once the rate is below this share of its threshold (hysteresis). */
export const defaultAlertResolveRatio = 0.5;
/** How often firing alerts are checked for resolution when no traffic comes to re-check them. */
export const defaultAlertCheckEveryMs = 1_000;
/** A firing p95 latency alert resolves once the p95 is below this share of its bound (hysteresis). */
export const defaultAlertLatencyResolveRatio = 0.8;
/** Subjects (channels, models, keys) one alert rule watches at most: the alerts held and listed stay bounded. */
export const defaultAlertMaxSubjectsPerRule = 100;
/** How often `quota_left_below` rules read the keys' balances from the store. */
export const defaultAlertQuotaCheckEveryMs = 30_000;

/**
 * `alert_delivery` (docs/alerts.md "Delivery"): messages waiting at most, tries per message,
 * backoff between tries (doubled, capped) and the bound on one POST to a webhook.
 */
export const defaultAlertDelivery = Object.freeze({ queueSize: 100, attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000, timeoutMs: 5_000 });
