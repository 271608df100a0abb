// Validated file shape (snake_case, gaps) → the SluiceConfig the rest of Sluice uses (camelCase,
// every default filled in). Per-channel policies override the top-level ones field by field.

import type { BreakerPolicy, CapabilityHints, Channel, RetryPolicy, TimeoutPolicy, UpstreamLimits } from '../core/channel.ts';
import { defaultEndpointUnits } from '../core/endpoint-units.ts';
import type { EndpointName } from '../core/endpoint.ts';
import { isGlob } from '../lib/match-glob.ts';
import { resolveAlertDelivery, resolveAlertRule } from './alerts-schema.ts';
import {
  defaultCachePolicy,
  defaultDropUnsupportedTools,
  defaultBodyBytes,
  defaultBreakerPolicy,
  defaultRoutingPolicy,
  defaultCaptureRetentionDays,
  defaultCompletionTokensEstimate,
  defaultUploadBytes,
  defaultConfigPollMs,
  defaultLogRetentionDays,
  defaultChannelPriority,
  defaultChannelWeight,
  defaultKeepaliveMs,
  defaultKeyModels,
  defaultListen,
  defaultLogLevel,
  defaultRetryPolicy,
  defaultRedisFallbackInstances,
  defaultRedisKeyPrefix,
  defaultRedisLeaseMs,
  defaultRedisClientPolicy,
  defaultWorkers,
  defaultStore,
  defaultTimeoutPolicy,
  defaultUpstreamLimits,
} from './defaults.ts';
import type { ModelPrice, PriceTable } from '../core/price.ts';
import type { RawBreaker, RawChannel, RawChannelLimits, RawClientKey, RawConfig, RawPriceTable, RawRetry, RawTimeouts } from './schema.ts';
import { resolveServerSettings } from './server-settings.ts';
import type { ClientKey, SluiceConfig } from './sluice-config.ts';

/** The top-level retry, timeout and breaker policies and upstream caps a channel's own settings override field by field. */
export interface Policies {
  retry: RetryPolicy;
  timeouts: TimeoutPolicy;
  breaker: BreakerPolicy;
  upstreamLimits: UpstreamLimits;
}

/** `included`: the `prices_file` table (parse-config.ts reads it); the file's own `prices` win over it, model by model. */
export function resolveConfig(raw: RawConfig, file: string | undefined, included: RawPriceTable = {}): SluiceConfig {
  const policies: Policies = {
    retry: resolveRetry(raw.retry, defaultRetryPolicy),
    timeouts: resolveTimeouts(raw.timeouts, defaultTimeoutPolicy),
    breaker: resolveBreaker(raw.breaker, defaultBreakerPolicy),
    upstreamLimits: resolveUpstreamLimits(raw.limits, defaultUpstreamLimits),
  };
  const channels = raw.channels.map((channel) => resolveChannel(channel, policies));
  const longestTotalMs = Math.max(policies.timeouts.totalMs, ...channels.map((channel) => channel.timeouts.totalMs));
  return {
    file,
    listen: { host: raw.listen?.host ?? defaultListen.host, port: raw.listen?.port ?? defaultListen.port },
    store: raw.store ?? defaultStore,
    adminKey: raw.admin_key ?? undefined,
    redis: raw.redis == null ? undefined : {
      url: raw.redis,
      keyPrefix: raw.redis_key_prefix ?? defaultRedisKeyPrefix,
      fallbackInstances: raw.redis_fallback_instances ?? defaultRedisFallbackInstances,
      leaseMs: raw.redis_lease_ms ?? defaultRedisLeaseMs,
      commandTimeoutMs: raw.redis_timeout_ms ?? defaultRedisClientPolicy.commandTimeoutMs,
    },
    workers: raw.workers ?? defaultWorkers,
    configPollMs: raw.config_poll_ms ?? defaultConfigPollMs,
    secretKeyFile: raw.secret_key_file ?? undefined,
    metricsKey: raw.metrics_key ?? undefined,
    server: resolveServerSettings(raw.server, longestTotalMs),
    keys: (raw.keys ?? []).map(resolveClientKey),
    channels,
    fallbacks: { ...raw.fallbacks },
    routing: {
      strategy: raw.routing?.strategy ?? defaultRoutingPolicy.strategy,
      models: Object.entries(raw.routing?.models ?? {}),
      slowStartMs: raw.routing?.slow_start_s == null ? defaultRoutingPolicy.slowStartMs : raw.routing.slow_start_s * 1000,
    },
    ...policies,
    limits: {
      bodyBytes: raw.limits?.body_bytes ?? defaultBodyBytes,
      defaultCompletionTokensEstimate: raw.limits?.default_completion_tokens_estimate ?? defaultCompletionTokensEstimate,
      uploadBytes: raw.limits?.upload_bytes ?? defaultUploadBytes,
    },
    retention: { logDays: raw.log_retention_days ?? defaultLogRetentionDays, captureDays: raw.capture_retention_days ?? defaultCaptureRetentionDays },
    sse: { keepaliveMs: raw.sse?.keepalive_ms ?? defaultKeepaliveMs },
    logLevel: raw.log_level ?? defaultLogLevel,
    prices: resolvePrices({ ...included, ...raw.prices }),
    dropUnsupportedTools: raw.drop_unsupported_tools ?? defaultDropUnsupportedTools,
    cache:
      raw.cache == null
        ? undefined
        : {
            ttlMs: raw.cache.ttl_s == null ? defaultCachePolicy.ttlMs : raw.cache.ttl_s * 1000,
            maxEntries: raw.cache.max_entries ?? defaultCachePolicy.maxEntries,
            maxBytes: raw.cache.max_bytes ?? defaultCachePolicy.maxBytes,
            models: raw.cache.models ?? defaultCachePolicy.models,
            maxEntryBytes: raw.cache.max_entry_bytes ?? defaultCachePolicy.maxEntryBytes,
            chargeHits: raw.cache.charge_hits ?? defaultCachePolicy.chargeHits,
          },
    units: { image: raw.units?.image ?? defaultEndpointUnits.image, audioSecond: raw.units?.audio_second ?? defaultEndpointUnits.audioSecond, request: raw.units?.request ?? defaultEndpointUnits.request },
    alerts: { rules: (raw.alerts ?? []).map(resolveAlertRule), delivery: resolveAlertDelivery(raw.alert_delivery) },
  };
}

function resolveClientKey(raw: RawClientKey): ClientKey {
  return {
    name: raw.name,
    key: raw.key,
    models: raw.models ?? [...defaultKeyModels],
    rpm: raw.rpm ?? undefined,
    tpm: raw.tpm ?? undefined,
    maxConcurrency: raw.max_concurrency ?? undefined,
    queueMs: raw.queue_ms ?? undefined,
    budget: raw.budget == null ? undefined : { usd: raw.budget.usd, period: raw.budget.period },
    cache: raw.cache == null ? undefined : { enabled: raw.cache.enabled ?? true, ttlMs: raw.cache.ttl_s == null ? undefined : raw.cache.ttl_s * 1000, models: raw.cache.models ?? undefined },
  };
}

export function resolvePrices(raw: RawPriceTable): PriceTable {
  const table: Record<string, ModelPrice> = {};
  for (const [model, price] of Object.entries(raw)) {
    table[model] = { input: price.input, cachedInput: price.cached_input ?? undefined, cacheWriteInput: price.cache_write_input ?? undefined, output: price.output };
  }
  return table;
}

export function resolveChannel(raw: RawChannel, policies: Policies): Channel {
  return {
    name: raw.name,
    type: raw.type,
    baseUrl: raw.base_url ?? undefined,
    apiKeys: raw.api_keys ?? (raw.api_key == null ? [] : [raw.api_key]),
    models: raw.models,
    modelMap: { ...raw.model_map },
    priority: raw.priority ?? defaultChannelPriority,
    weight: raw.weight ?? defaultChannelWeight,
    overrides: raw.overrides ?? undefined,
    headers: { ...raw.headers },
    apiVersion: raw.api_version ?? undefined,
    ...(raw.default_max_tokens == null ? {} : { defaultMaxTokens: raw.default_max_tokens }),
    maxConcurrency: raw.max_concurrency ?? undefined,
    preferStream: raw.prefer_stream ?? false,
    debug: raw.debug ?? false,
    healthCheck: raw.health_check == null ? undefined : { intervalMs: raw.health_check.interval_ms, models: raw.health_check.models ?? raw.models.filter((model) => !isGlob(model)) },
    capabilities: resolveCapabilities(raw.capabilities),
    retry: resolveRetry(raw.retry, policies.retry),
    timeouts: resolveTimeouts(raw.timeouts, policies.timeouts),
    breaker: resolveBreaker(raw.breaker, policies.breaker),
    limits: resolveUpstreamLimits(raw.limits, policies.upstreamLimits),
    ...(raw.paths == null ? {} : { endpointPaths: resolveEndpointPaths(raw.paths) }),
  };
}

/** The paths the config sets (YAML nulls left out: those endpoints keep their default). */
function resolveEndpointPaths(raw: NonNullable<RawChannel['paths']>): Partial<Record<EndpointName, string>> {
  return Object.fromEntries(Object.entries(raw).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function resolveCapabilities(raw: RawChannel['capabilities']): Record<string, CapabilityHints> {
  const capabilities: Record<string, CapabilityHints> = {};
  for (const [model, hints] of Object.entries(raw ?? {})) {
    const resolved: CapabilityHints = {};
    if (hints.stream != null) resolved.stream = hints.stream;
    if (hints.stream_options != null) resolved.streamOptions = hints.stream_options;
    if (hints.responses_api != null) resolved.responsesApi = hints.responses_api;
    if (hints.completions != null) resolved.completions = hints.completions;
    capabilities[model] = resolved;
  }
  return capabilities;
}

function resolveRetry(raw: RawRetry | null | undefined, base: RetryPolicy): RetryPolicy {
  return {
    attempts: raw?.attempts ?? base.attempts,
    baseMs: raw?.base_ms ?? base.baseMs,
    maxMs: raw?.max_ms ?? base.maxMs,
    maxRetryAfterMs: raw?.max_retry_after_ms ?? base.maxRetryAfterMs,
  };
}

function resolveTimeouts(raw: RawTimeouts | null | undefined, base: TimeoutPolicy): TimeoutPolicy {
  return {
    connectMs: raw?.connect_ms ?? base.connectMs,
    firstByteMs: raw?.first_byte_ms ?? base.firstByteMs,
    firstChunkMs: raw?.first_chunk_ms ?? base.firstChunkMs,
    idleMs: raw?.idle_ms ?? base.idleMs,
    totalMs: raw?.total_ms ?? base.totalMs,
  };
}

function resolveBreaker(raw: RawBreaker | null | undefined, base: BreakerPolicy): BreakerPolicy {
  // `failures: N` (N consecutive failures, the old breaker) becomes "at least N calls": N failures in
  // a row then still open the circuit, and so does a high enough rate over more calls.
  return {
    failureRate: raw?.failure_rate ?? base.failureRate,
    windowMs: raw?.window_ms ?? base.windowMs,
    minCalls: raw?.min_calls ?? raw?.failures ?? base.minCalls,
    cooldownMs: raw?.cooldown_ms ?? base.cooldownMs,
  };
}

function resolveUpstreamLimits(raw: RawChannelLimits | null | undefined, base: UpstreamLimits): UpstreamLimits {
  return { bodyBytes: raw?.upstream_body_bytes ?? base.bodyBytes, streamBytes: raw?.upstream_stream_bytes ?? base.streamBytes };
}
