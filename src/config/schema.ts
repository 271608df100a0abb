// The config file's shape as written (snake_case). Strict objects reject unknown keys, so a typo
// like `prioirty` stops start-up instead of being ignored. Optional fields accept YAML null (`key:`).

import * as z from 'zod';
import { balanceStrategies } from '../core/routing-policy.ts';
import { buildWorkerCount } from './check-workers.ts';
import {
  defaultBodyBytes,
  defaultCachePolicy,
  defaultBreakerPolicy,
  defaultCaptureRetentionDays,
  defaultChannelPriority,
  defaultChannelWeight,
  defaultCompletionTokensEstimate,
  defaultUploadBytes,
  defaultConfigPollMs,
  defaultDropUnsupportedTools,
  defaultKeepaliveMs,
  defaultKeyQueueMs,
  defaultListen,
  defaultLogLevel,
  defaultLogRetentionDays,
  defaultRedisFallbackInstances,
  defaultRedisKeyPrefix,
  defaultRedisClientPolicy,
  defaultRedisLeaseMs,
  defaultRetryPolicy,
  defaultRoutingPolicy,
  defaultStore,
  defaultTimeoutPolicy,
  defaultUpstreamLimits,
  defaultWorkers,
  logLevels,
  maxConfigPollMs,
  minAdminKeyLength,
  minConfigPollMs,
} from './defaults.ts';
import { buildAlertSchemas } from './alerts-schema.ts';
import { buildServerSchema } from './server-settings.ts';
import { defaultEndpointUnits } from '../core/endpoint-units.ts';
import { endpointPaths, type EndpointName } from '../core/endpoint.ts';
import { reuseUntilCollected } from '../lib/build-once.ts';
import { buildConfigFields } from './schema-fields.ts';

/**
 * Every schema of the config file, built anew by each call; callers take them from `configSchemas`,
 * so a parse (start, a reload, an admin API channel) builds them and they are garbage after it,
 * not held by the module for as long as the process runs (~1.3 MB of heap; docs/benchmarks.md
 * "Idle RSS, round six").
 */
export function buildConfigSchemas() {
  const fields = buildConfigFields();
  const { flag, fraction, headerMap, httpUrl, integer, jsonObject, modelList, nonNegativeInteger, nonNegativeNumber, portNumber, positiveInteger, positiveNumber, scalarText, storeUrl, text, textList, textMap } = fields;
  const { rule: alertRuleSchema, delivery: alertDeliverySchema } = buildAlertSchemas(fields);
  const serverSchema = buildServerSchema(fields);
  const workerCount = buildWorkerCount();

  const mappingError = { error: 'expected a mapping' };

  const retrySchema = z.strictObject(
    {
      attempts: positiveInteger.nullish().describe(`Tries per channel, the first one included. Default ${defaultRetryPolicy.attempts}.`),
      base_ms: nonNegativeInteger.nullish().describe(`Backoff before the first retry; it doubles each retry, with full jitter. Default ${defaultRetryPolicy.baseMs}.`),
      max_ms: nonNegativeInteger.nullish().describe(`Longest backoff between two tries. Default ${defaultRetryPolicy.maxMs}.`),
      max_retry_after_ms: nonNegativeInteger.nullish().describe(`Longest upstream Retry-After honoured; a longer one fails over to another channel instead of waiting. Default ${defaultRetryPolicy.maxRetryAfterMs}.`),
    },
    mappingError,
  );

  const timeoutsSchema = z.strictObject(
    {
      connect_ms: positiveInteger.nullish().describe(`Connecting to the upstream. Default ${defaultTimeoutPolicy.connectMs}.`),
      first_byte_ms: positiveInteger.nullish().describe(`From sending the request to the upstream's response headers. Default ${defaultTimeoutPolicy.firstByteMs}.`),
      first_chunk_ms: positiveInteger.nullish().describe(`From the response headers to the first parsed chunk. Default ${defaultTimeoutPolicy.firstChunkMs}.`),
      idle_ms: positiveInteger.nullish().describe(`Longest silence between two upstream chunks. Default ${defaultTimeoutPolicy.idleMs}.`),
      total_ms: positiveInteger.nullish().describe(`One upstream try from start to end. Default ${defaultTimeoutPolicy.totalMs}.`),
    },
    mappingError,
  );

  /** Caps on upstream answers; top level and per channel (a channel's own win field by field). */
  const upstreamLimitFields = {
    upstream_body_bytes: positiveInteger.nullish().describe(`Largest upstream JSON answer or error body read (decoded bytes). Default ${defaultUpstreamLimits.bodyBytes}.`),
    upstream_stream_bytes: positiveInteger.nullish().describe(`Largest upstream stream relayed (decoded bytes). Default ${defaultUpstreamLimits.streamBytes}.`),
  };

  const channelLimitsSchema = z.strictObject(upstreamLimitFields, mappingError);

  const breakerSchema = z.strictObject(
    {
      failure_rate: fraction.nullish().describe(`Share of failed calls in the window that opens the circuit (above 0, at most 1). Default ${defaultBreakerPolicy.failureRate}.`),
      window_ms: positiveInteger.nullish().describe(`The window over which calls are counted. Default ${defaultBreakerPolicy.windowMs}.`),
      min_calls: positiveInteger.nullish().describe(`Calls the window must hold before the rate counts. Default ${defaultBreakerPolicy.minCalls}.`),
      /** Before the rate-based breaker: N consecutive failures. Still accepted, read as `min_calls: N`. */
      failures: positiveInteger.nullish().describe('Older form: N consecutive failures; read as `min_calls: N`.'),
      cooldown_ms: nonNegativeInteger.nullish().describe(`How long an open circuit stays open before one probe call. Default ${defaultBreakerPolicy.cooldownMs}.`),
    },
    mappingError,
  );

  const streamSupport = z.enum(['required', 'unsupported', 'supported'], {
    error: 'expected one of required, unsupported, supported',
  });

  const endpointSupport = z.enum(['supported', 'unsupported'], { error: 'expected one of supported, unsupported' });

  const capabilityHintsSchema = z.strictObject(
    {
      stream: streamSupport.nullish().describe('`required`: only works with stream: true; `unsupported`: refuses it; `supported`: both.'),
      stream_options: flag.nullish().describe('Whether the upstream accepts `stream_options` (false: never sent).'),
      responses_api: endpointSupport.nullish().describe('Whether the upstream serves `/v1/responses` for a Responses client (else translated to chat).'),
      completions: endpointSupport.nullish().describe('Whether the upstream serves the legacy `/v1/completions` (unset: tried, and learned from its 404; `unsupported`: never sent there).'),
    },
    mappingError,
  );

  const strategyName = z.enum(balanceStrategies, { error: `expected one of ${balanceStrategies.join(', ')}` });

  const routingSchema = z.strictObject(
    {
      strategy: strategyName.nullish().describe(`Balancing within one priority: weighted (random by weight), least_busy (fewest in flight on this instance), latency (two random choices, the lower measured time to first token × errors). Default ${defaultRoutingPolicy.strategy}.`),
      models: z.record(z.string().min(1), strategyName, { error: 'expected a mapping of model globs to strategies' }).nullish().describe('Client model glob → strategy, over `strategy`; the first glob that matches wins. Default: none.'),
      slow_start_s: nonNegativeNumber.nullish().describe(`latency: a channel whose circuit closes again ramps its weight from a tenth to whole over this many seconds (0: at once). Default ${String(defaultRoutingPolicy.slowStartMs / 1000)}.`),
    },
    mappingError,
  );

  /** A channel's path for an endpoint (config `paths`): after its base_url when it starts with `/`, else a whole http(s) URL. */
  const endpointPath = text.refine((value) => value.startsWith('/') || (URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)), { error: 'expected a path starting with / (after base_url) or an http:// or https:// URL' });

  /** One optional path per endpoint of issue 18 (docs/endpoints.md); rerank's is the one that differs between upstreams. */
  const endpointPathsSchema = z.strictObject(
    Object.fromEntries(Object.entries(endpointPaths).map(([endpoint, path]) => [endpoint, endpointPath.nullish().describe(`Path of ${endpoint} after base_url (or a whole URL). Default ${path}.`)])) as Record<EndpointName, z.ZodOptional<z.ZodNullable<typeof endpointPath>>>,
    mappingError,
  );

  const channelSchema = z.strictObject(
    {
      name: text.describe('Unique channel name (logs, metrics, admin API).'),
      type: text.describe('Upstream dialect: openai, azure, anthropic, gemini, ollama, echo, … (`sluice --help` lists them).'),
      base_url: httpUrl.nullish().describe('The upstream address (an OpenAI-compatible one ends in `/v1`). Default: the type\'s own address; required for types without one (azure).'),
      api_key: text.nullish().describe('The upstream API key. Set this or `api_keys`, not both.'),
      api_keys: textList.nullish().describe('Several upstream API keys, rotated; a key the upstream refuses is set aside.'),
      models: modelList.describe('Model names (or globs) this channel serves, as clients name them.'),
      model_map: textMap.nullish().describe('Client model name → upstream model name.'),
      priority: integer.nullish().describe(`Lower tries first. Default ${defaultChannelPriority}.`),
      weight: positiveNumber.nullish().describe(`Share of traffic among channels of the same priority. Default ${defaultChannelWeight}.`),
      overrides: jsonObject.nullish().describe('JSON merge patch (RFC 7396) applied to the upstream request body; `null` deletes a field.'),
      headers: headerMap.nullish().describe('Extra headers sent to the upstream.'),
      api_version: scalarText.nullish().describe('API version (azure: the `api-version` query parameter).'),
      default_max_tokens: positiveInteger.nullish().describe('Output cap sent when the client sets none (upstreams that require one, such as Anthropic).'),
      max_concurrency: positiveInteger.nullish().describe('Requests in flight to this upstream at once (shared across instances with `redis`). Default: no limit.'),
      prefer_stream: flag.nullish().describe('Call the upstream in stream mode even for non-stream clients (the answer is collected). Default false.'),
      debug: flag.nullish().describe('Capture full upstream exchanges of this channel in the store. Default false.'),
      health_check: z.strictObject({ interval_ms: positiveInteger.describe('Time between two checks.'), models: modelList.nullish().describe('Models to check. Default: the channel\'s models that are not globs.') }, mappingError).nullish().describe('Call the upstream on a timer, so a broken channel is found before a client finds it. Default: off.'),
      capabilities: z
        .record(z.string(), capabilityHintsSchema, { error: 'expected a mapping of model names or globs' })
        .nullish()
        .describe('Per upstream model name (`*` and globs allowed): what the model accepts, before Sluice learns it from errors.'),
      retry: retrySchema.nullish().describe('This channel\'s retry policy, field by field over the top-level `retry`.'),
      timeouts: timeoutsSchema.nullish().describe('This channel\'s timeouts, field by field over the top-level `timeouts`.'),
      breaker: breakerSchema.nullish().describe('This channel\'s circuit breaker, field by field over the top-level `breaker`.'),
      limits: channelLimitsSchema.nullish().describe('This channel\'s caps on upstream answers, field by field over the top-level `limits`.'),
      paths: endpointPathsSchema.nullish().describe('Where this channel\'s upstream serves the images, audio, moderations and rerank endpoints, per endpoint: `{rerank: /v1/rerank}` (docs/endpoints.md). Default: each endpoint\'s OpenAI path after base_url.'),
    },
    mappingError,
  );

  /** USD per 1M tokens (docs/cost.md); `cached_input` and `cache_write_input` default to `input`. */
  const modelPriceSchema = z.strictObject(
    { input: nonNegativeNumber, cached_input: nonNegativeNumber.nullish(), cache_write_input: nonNegativeNumber.nullish(), output: nonNegativeNumber },
    mappingError,
  );

  /** Model name or glob → price. */
  const priceTableSchema = z.record(z.string().min(1), modelPriceSchema, { error: 'expected a mapping of model names or globs to prices' });

  /** What a per-key budget allows per UTC day or month (docs/cost.md). */
  const budgetSchema = z.strictObject(
    { usd: nonNegativeNumber, period: z.enum(['day', 'month'], { error: 'expected one of day, month' }) },
    mappingError,
  );

  /** One key's own response-cache settings (docs/caching.md "Per key"); absent fields follow the global `cache`. */
  const keyCacheSchema = z.strictObject(
    {
      enabled: flag.nullish().describe('false: this key\'s requests neither read nor write the cache. Default true.'),
      ttl_s: positiveNumber.nullish().describe('Seconds this key\'s answers are stored, and the oldest answer it is served. Default: the global cache.ttl_s.'),
      models: modelList.nullish().describe('Client model names or globs cached for this key, replacing the global cache.models. Default: the global list.'),
    },
    mappingError,
  );

  const clientKeySchema = z.strictObject(
    {
      name: text.describe('Unique key name (logs, metrics, admin API).'),
      key: text.describe('The secret a client sends as `Authorization: Bearer <key>` (or `x-api-key`).'),
      models: modelList.nullish().describe('Models (or globs) this key may call. Default: `*`, all.'),
      rpm: positiveInteger.nullish().describe('Requests per minute. Default: no limit.'),
      tpm: positiveInteger.nullish().describe('Tokens per minute (prompt and completion). Default: no limit.'),
      max_concurrency: positiveInteger.nullish().describe('Requests of this key in flight at once. Default: no limit.'),
      queue_ms: nonNegativeInteger.nullish().describe(`How long a request past max_concurrency waits for a slot (0: refused at once). Default ${defaultKeyQueueMs}.`),
      budget: budgetSchema.nullish().describe('Spend allowed per UTC day or month: {usd, period: day|month} (docs/cost.md). Default: no budget.'),
      cache: keyCacheSchema.nullish().describe('This key\'s response-cache settings {enabled, ttl_s, models} (docs/caching.md "Per key"); needs the global cache. Default: the global settings.'),
    },
    mappingError,
  );

  const configSchema = z.strictObject(
    {
      listen: z.strictObject({ host: text.nullish().describe(`Address to listen on; other than loopback needs client keys. Default ${defaultListen.host}.`), port: portNumber.nullish().describe(`Port (0: any free one). Default ${defaultListen.port}.`) }, mappingError).nullish().describe('Where Sluice listens (`--host`, `--port` override it).'),
      store: storeUrl.nullish().describe(`sqlite:<path> or postgres://user:pass@host/db. Default ${defaultStore}.`),
      /** Shared state for several instances (docs/scale-out.md §E); checked in check-config.ts (the value may hold a password). */
      redis: text.nullish().describe('redis:// or rediss:// address shared by several instances (needs a PostgreSQL store); SLUICE_REDIS_URL gives it when the file does not. Default: none, everything per instance.'),
      redis_key_prefix: text.nullish().describe(`Start of every key Sluice writes to Redis. Default ${defaultRedisKeyPrefix}.`),
      redis_fallback_instances: positiveInteger.nullish().describe(`Instances sharing a limit while Redis is down and the instance registry cannot be read. Default ${defaultRedisFallbackInstances}.`),
      redis_lease_ms: positiveInteger.nullish().describe(`Life of a max_concurrency slot held in Redis without a heartbeat. Default ${defaultRedisLeaseMs}.`),
      /** `workers: N | auto` (docs/deploy.md "Workers"); more than one needs redis (check-workers.ts). */
      workers: workerCount.nullish().describe(`Sluice processes on one port (node:cluster; auto = one per core); more than 1 needs redis. Default ${String(defaultWorkers)}.`),
      redis_timeout_ms: positiveInteger.nullish().describe(`Bound on one Redis round trip; past it the decision is taken locally (degraded). Default ${String(defaultRedisClientPolicy.commandTimeoutMs)}.`),
      /** PostgreSQL: the backstop poll of other instances' changes (docs/deploy.md "Shared verdicts"). */
      config_poll_ms: integer.pipe(z.number().min(minConfigPollMs, { error: `expected ${String(minConfigPollMs)} to ${String(maxConfigPollMs)} ms` }).max(maxConfigPollMs, { error: `expected ${String(minConfigPollMs)} to ${String(maxConfigPollMs)} ms` })).nullish().describe(`PostgreSQL: how often each instance reads the config version, the backstop of LISTEN/NOTIFY (${String(minConfigPollMs)}–${String(maxConfigPollMs)} ms). Default ${String(defaultConfigPollMs)}.`),
      admin_key: text.nullish().describe(`Bearer key of the admin API and console (at least ${minAdminKeyLength} characters). Default: none, the admin API is off.`),
      secret_key_file: text.nullish().describe('File whose first line seals channel secrets stored through the admin API (SLUICE_SECRET_KEY wins). Default: none, stored as given.'),
      metrics_key: text.nullish().describe('Bearer key GET /metrics requires. Default: none, /metrics is open.'),
      server: serverSchema.nullish().describe('The HTTP server\'s bounds (docs/security.md "Connection limits").'),
      keys: z.array(clientKeySchema, { error: 'expected a list of keys' }).nullish().describe('Client keys. None: Sluice serves only loopback clients.'),
      channels: z
        .array(channelSchema, { error: 'expected a list of channels' })
        .min(1, { error: 'expected at least one channel' })
        .describe('The upstreams, at least one.'),
      fallbacks: z.record(z.string(), modelList, { error: 'expected a mapping of model → list of models' }).nullish().describe('Model → models tried after every channel of the model failed.'),
      retry: retrySchema.nullish().describe('Retries on one channel: exponential backoff with full jitter, Retry-After honoured.'),
      timeouts: timeoutsSchema.nullish().describe('Upstream timeouts.'),
      breaker: breakerSchema.nullish().describe('Circuit breaker per channel and model: opens on a failure rate, probes after a cooldown.'),
      routing: routingSchema.nullish().describe('How channels of one priority share the traffic (docs/routing.md).'),
      limits: z.strictObject({ body_bytes: positiveInteger.nullish().describe(`Largest client request body. Default ${defaultBodyBytes}.`), ...upstreamLimitFields, default_completion_tokens_estimate: positiveInteger.nullish().describe(`Completion tokens reserved against tpm for a request without an output cap. Default ${defaultCompletionTokensEstimate}.`), upload_bytes: positiveInteger.nullish().describe(`Largest multipart upload (audio transcriptions/translations, image edits), held once in memory; larger: 413 before the rest is read. Default ${defaultUploadBytes} (OpenAI's audio file limit).`) }, mappingError).nullish().describe('Size caps.'),
      log_retention_days: positiveInteger.nullish().describe(`Request log rows older than this are deleted. Default ${defaultLogRetentionDays}.`),
      capture_retention_days: positiveInteger.nullish().describe(`Debug captures (full bodies) older than this are removed. Default ${defaultCaptureRetentionDays}.`),
      sse: z.strictObject({ keepalive_ms: positiveInteger.nullish().describe(`Time between SSE keep-alive comments to a streaming client. Default ${defaultKeepaliveMs}.`) }, mappingError).nullish().describe('Streams to clients.'),
      drop_unsupported_tools: flag.nullish().describe(`Drop hosted tools a translated try cannot run (with a warning header) instead of refusing with 400. Default ${String(defaultDropUnsupportedTools)}.`),
      /** docs/cost.md: prices per model; `prices_file` (relative to this file) is read first, `prices` win over it. */
      prices: priceTableSchema.nullish().describe('Model name or glob → {input, cached_input, cache_write_input, output} in USD per 1M tokens (docs/cost.md). Default: none, costs unknown.'),
      prices_file: text.nullish().describe('A price file (relative to this config), e.g. prices/2025-10.yaml; `prices` win over it model by model. Default: none.'),
      cache: z
        .strictObject(
          {
            ttl_s: positiveNumber.nullish().describe(`Seconds a stored answer is served. Default ${String(defaultCachePolicy.ttlMs / 1000)}.`),
            max_entries: positiveInteger.nullish().describe(`Most answers held. Default ${String(defaultCachePolicy.maxEntries)}.`),
            max_bytes: positiveInteger.nullish().describe(`Most bytes held (the answers' JSON text); the least recently used go first. Default ${String(defaultCachePolicy.maxBytes)}.`),
            models: modelList.nullish().describe(`Client model names or globs whose answers are cached. Default ${defaultCachePolicy.models.join(', ')}.`),
            charge_hits: flag.nullish().describe(`true: a hit settles the stored answer's usage against the key's tpm, quota and budget, like an upstream answer. Default ${String(defaultCachePolicy.chargeHits)}: a hit charges no tokens.`),
            max_entry_bytes: positiveInteger.nullish().describe(`Largest answer stored, as its JSON text; a larger one is not stored (in memory and in Redis). Default ${String(defaultCachePolicy.maxEntryBytes)}.`),
          },
          mappingError,
        )
        .nullish()
        .describe('Exact response cache, in memory, or in Redis shared by every instance when `redis` is set (docs/caching.md). Default: none, nothing is cached.'),
      alerts: z.array(alertRuleSchema, { error: 'expected a list of alert rules' }).nullish().describe('Alert rules (a channel\'s or model\'s error rate or p95 latency, a breaker, upstream keys set aside, a key\'s quota left, the shared state), with the webhooks they notify (docs/alerts.md). Default: none.'),
      units: z
        .strictObject(
          {
            image: nonNegativeInteger.nullish().describe(`Units per image asked for (n) from /v1/images/*, where the upstream reports no tokens. Default ${String(defaultEndpointUnits.image)}.`),
            audio_second: nonNegativeInteger.nullish().describe(`Units per second of audio, where the upstream reports no tokens. Default ${String(defaultEndpointUnits.audioSecond)}.`),
            request: nonNegativeInteger.nullish().describe(`Units per moderations, rerank or audio request that counts nothing else. Default ${String(defaultEndpointUnits.request)}.`),
          },
          mappingError,
        )
        .nullish()
        .describe('Request units of the images, audio, moderations and rerank endpoints, counted against a key\'s tpm and quota where the upstream reports no tokens (docs/endpoints.md "Units").'),
      alert_delivery: alertDeliverySchema.nullish().describe('How alert messages reach webhooks: queue, tries, backoff, timeout (docs/alerts.md).'),
      log_level: z.enum(logLevels, { error: `expected one of ${logLevels.join(', ')}` }).nullish().describe(`Log level (LOG_LEVEL overrides it). Default ${defaultLogLevel}.`),
    },
    { error: 'expected a mapping at the top level' },
  );
  return {
    config: configSchema,
    channel: channelSchema,
    clientKey: clientKeySchema,
    priceTable: priceTableSchema,
    retry: retrySchema,
    timeouts: timeoutsSchema,
    breaker: breakerSchema,
    channelLimits: channelLimitsSchema,
    routing: routingSchema,
    modelPrice: modelPriceSchema,
    budget: budgetSchema,
    keyCache: keyCacheSchema,
  };
}

export type ConfigSchemas = ReturnType<typeof buildConfigSchemas>;

/** The config schemas: built for a parse, reused while one runs, garbage after it (lib/build-once.ts). */
export const configSchemas = reuseUntilCollected(buildConfigSchemas);

export type RawConfig = z.output<ConfigSchemas['config']>;
export type RawChannel = z.output<ConfigSchemas['channel']>;
export type RawClientKey = z.output<ConfigSchemas['clientKey']>;
export type RawRetry = z.output<ConfigSchemas['retry']>;
export type RawTimeouts = z.output<ConfigSchemas['timeouts']>;
export type RawBreaker = z.output<ConfigSchemas['breaker']>;
export type RawPriceTable = z.output<ConfigSchemas['priceTable']>;
export type RawChannelLimits = z.output<ConfigSchemas['channelLimits']>;
