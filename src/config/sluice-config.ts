// The resolved configuration the rest of Sluice uses: camelCase, every default filled in.

import type { AlertDeliveryPolicy, AlertRule } from '../core/alert.ts';
import type { BreakerPolicy, Channel, RetryPolicy, TimeoutPolicy, UpstreamLimits } from '../core/channel.ts';
import type { CachePolicy, KeyCacheSettings } from '../core/cache-policy.ts';
import type { EndpointUnits } from '../core/endpoint-units.ts';
import type { KeyBudget, PriceTable } from '../core/price.ts';
import type { RoutingPolicy } from '../core/routing-policy.ts';
import type { WorkerSetting } from './check-workers.ts';
import type { ServerSettings } from './server-settings.ts';

export interface ClientKey {
  name: string;
  key: string;
  /** Client model names or globs this key may call. */
  models: string[];
  /** Requests per minute; undefined: unlimited. */
  rpm: number | undefined;
  /** Tokens per minute; undefined: unlimited. */
  tpm: number | undefined;
  /** Requests of this key in flight at once; undefined: unlimited. */
  maxConcurrency: number | undefined;
  /** How long a request past `maxConcurrency` waits for a slot before a 429; undefined: the default. */
  queueMs: number | undefined;
  /** USD this key may spend per UTC day or month (docs/cost.md); undefined: no budget. */
  budget: KeyBudget | undefined;
  /** Its own response-cache settings (docs/caching.md "Per key"); undefined: the global ones. */
  cache: KeyCacheSettings | undefined;
}

export interface RedisSettings {
  /** `redis://[user:password@]host:port/db` or `rediss://…`; may hold a password: log it masked. */
  url: string;
  /** Prepended to every key Sluice writes, so several deployments can share one Redis. */
  keyPrefix: string;
  /**
   * While Redis is unreachable and the instance registry has no count, each instance admits
   * `limit / fallbackInstances` of a key's rpm and tpm and of `max_concurrency` caps on its own (its share).
   */
  fallbackInstances: number;
  /**
   * How long a concurrency slot held in Redis lives without a heartbeat (`redis_lease_ms`): the
   * slots of an instance that died come back after at most this long.
   */
  leaseMs: number;
  /**
   * The bound on one Redis round trip (`redis_timeout_ms`): a command not answered within it makes
   * that decision local (the instance's share). Raise it for a Redis across a slow network.
   */
  commandTimeoutMs: number;
}

export interface SluiceConfig {
  /** The file the config came from, as given; undefined: the embedded default. */
  file: string | undefined;
  listen: { host: string; port: number };
  /** `sqlite:<path>` or `postgres://…`. */
  store: string;
  adminKey: string | undefined;
  /** Shared state across instances (`redis:` or SLUICE_REDIS_URL); undefined: everything is per instance. */
  redis: RedisSettings | undefined;
  /** `workers`: processes serving one port (node:cluster; docs/deploy.md "Workers"); 1: this process alone. */
  workers: WorkerSetting;
  /** PostgreSQL: how often the config version is polled, the backstop of LISTEN/NOTIFY (`config_poll_ms`). */
  configPollMs: number;
  /** A file holding the key that seals API channels' secrets at rest; SLUICE_SECRET_KEY wins over it. */
  secretKeyFile: string | undefined;
  /** When set, GET /metrics needs `Authorization: Bearer <metrics_key>`. */
  metricsKey: string | undefined;
  /** Timeouts and connection limits of the HTTP server. */
  server: ServerSettings;
  keys: ClientKey[];
  channels: Channel[];
  /** Client model → models tried after every channel of it failed. */
  fallbacks: Record<string, string[]>;
  retry: RetryPolicy;
  timeouts: TimeoutPolicy;
  breaker: BreakerPolicy;
  /** `routing`: the balancing strategy per model within a priority (docs/routing.md). */
  routing: RoutingPolicy;
  /** `limits.upstream_*` of the file: the caps a channel without its own `limits` gets. */
  upstreamLimits: UpstreamLimits;
  /**
   * `defaultCompletionTokensEstimate`: the completion tokens a request is assumed to use when it sets
   * no `max_tokens`/`max_completion_tokens`, reserved against tpm and quota at admission.
   */
  limits: { bodyBytes: number; defaultCompletionTokensEstimate: number; uploadBytes: number };
  /** How long request log rows are kept, and their debug captures (nulled out sooner). */
  retention: { logDays: number; captureDays: number };
  /** `keepaliveMs`: send a `: keep-alive` comment to the client when the upstream is silent this long. */
  sse: { keepaliveMs: number };
  logLevel: string;
  /** `prices_file` then `prices` (docs/cost.md): what each model costs; empty: no request has a cost. */
  prices: PriceTable;
  /**
   * Hosted/server tools a translated request cannot use (Anthropic's web_search, bash, …; issue 14):
   * dropped with an `x-sluice-dropped-tools` header when true, a 400 naming the field when false.
   */
  dropUnsupportedTools: boolean;
  /** The exact response cache (docs/caching.md); undefined: off, the default. */
  cache: CachePolicy | undefined;
  /** `units`: request units of the images, audio, moderations and rerank endpoints (docs/endpoints.md "Units"). */
  units: EndpointUnits;
  /** `alerts` and `alert_delivery` (docs/alerts.md); no rules: no alerts. */
  alerts: { rules: AlertRule[]; delivery: AlertDeliveryPolicy };
}
