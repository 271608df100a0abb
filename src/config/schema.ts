// The config file's shape as written (snake_case). Strict objects reject unknown keys, so a typo
// like `prioirty` stops start-up instead of being ignored. Optional fields accept YAML null (`key:`).

import * as z from 'zod';
import { logLevels, maxConfigPollMs, minConfigPollMs } from './defaults.ts';
import { serverSchema } from './server-settings.ts';
import {
  flag,
  fraction,
  headerMap,
  httpUrl,
  integer,
  jsonObject,
  modelList,
  nonNegativeInteger,
  portNumber,
  positiveInteger,
  positiveNumber,
  scalarText,
  storeUrl,
  text,
  textList,
  textMap,
} from './schema-fields.ts';

const mappingError = { error: 'expected a mapping' };

export const retrySchema = z.strictObject(
  {
    attempts: positiveInteger.nullish(),
    base_ms: nonNegativeInteger.nullish(),
    max_ms: nonNegativeInteger.nullish(),
    max_retry_after_ms: nonNegativeInteger.nullish(),
  },
  mappingError,
);

export const timeoutsSchema = z.strictObject(
  {
    connect_ms: positiveInteger.nullish(),
    first_byte_ms: positiveInteger.nullish(),
    first_chunk_ms: positiveInteger.nullish(),
    idle_ms: positiveInteger.nullish(),
    total_ms: positiveInteger.nullish(),
  },
  mappingError,
);

/** Caps on upstream answers; top level and per channel (a channel's own win field by field). */
const upstreamLimitFields = {
  upstream_body_bytes: positiveInteger.nullish(),
  upstream_stream_bytes: positiveInteger.nullish(),
};

export const channelLimitsSchema = z.strictObject(upstreamLimitFields, mappingError);

export const breakerSchema = z.strictObject(
  {
    failure_rate: fraction.nullish(),
    window_ms: positiveInteger.nullish(),
    min_calls: positiveInteger.nullish(),
    /** Before the rate-based breaker: N consecutive failures. Still accepted, read as `min_calls: N`. */
    failures: positiveInteger.nullish(),
    cooldown_ms: nonNegativeInteger.nullish(),
  },
  mappingError,
);

const streamSupport = z.enum(['required', 'unsupported', 'supported'], {
  error: 'expected one of required, unsupported, supported',
});

const endpointSupport = z.enum(['supported', 'unsupported'], { error: 'expected one of supported, unsupported' });

const capabilityHintsSchema = z.strictObject(
  { stream: streamSupport.nullish(), stream_options: flag.nullish(), responses_api: endpointSupport.nullish() },
  mappingError,
);

export const channelSchema = z.strictObject(
  {
    name: text,
    type: text,
    base_url: httpUrl.nullish(),
    api_key: text.nullish(),
    api_keys: textList.nullish(),
    models: modelList,
    model_map: textMap.nullish(),
    priority: integer.nullish(),
    weight: positiveNumber.nullish(),
    overrides: jsonObject.nullish(),
    headers: headerMap.nullish(),
    api_version: scalarText.nullish(),
    default_max_tokens: positiveInteger.nullish(),
    max_concurrency: positiveInteger.nullish(),
    prefer_stream: flag.nullish(),
    debug: flag.nullish(),
    health_check: z.strictObject({ interval_ms: positiveInteger, models: modelList.nullish() }, mappingError).nullish(),
    capabilities: z
      .record(z.string(), capabilityHintsSchema, { error: 'expected a mapping of model names or globs' })
      .nullish(),
    retry: retrySchema.nullish(),
    timeouts: timeoutsSchema.nullish(),
    breaker: breakerSchema.nullish(),
    limits: channelLimitsSchema.nullish(),
  },
  mappingError,
);

export const clientKeySchema = z.strictObject(
  {
    name: text,
    key: text,
    models: modelList.nullish(),
    rpm: positiveInteger.nullish(),
    tpm: positiveInteger.nullish(),
    max_concurrency: positiveInteger.nullish(),
    queue_ms: nonNegativeInteger.nullish(),
  },
  mappingError,
);

export const configSchema = z.strictObject(
  {
    listen: z.strictObject({ host: text.nullish(), port: portNumber.nullish() }, mappingError).nullish(),
    store: storeUrl.nullish(),
    /** Shared state for several instances (docs/scale-out.md §E); checked in check-config.ts (the value may hold a password). */
    redis: text.nullish(),
    redis_key_prefix: text.nullish(),
    redis_fallback_instances: positiveInteger.nullish(),
    redis_lease_ms: positiveInteger.nullish(),
    /** PostgreSQL: the backstop poll of other instances' changes (docs/deploy.md "Shared verdicts"). */
    config_poll_ms: integer.pipe(z.number().min(minConfigPollMs, { error: `expected ${String(minConfigPollMs)} to ${String(maxConfigPollMs)} ms` }).max(maxConfigPollMs, { error: `expected ${String(minConfigPollMs)} to ${String(maxConfigPollMs)} ms` })).nullish(),
    admin_key: text.nullish(),
    secret_key_file: text.nullish(),
    metrics_key: text.nullish(),
    server: serverSchema.nullish(),
    keys: z.array(clientKeySchema, { error: 'expected a list of keys' }).nullish(),
    channels: z
      .array(channelSchema, { error: 'expected a list of channels' })
      .min(1, { error: 'expected at least one channel' }),
    fallbacks: z.record(z.string(), modelList, { error: 'expected a mapping of model → list of models' }).nullish(),
    retry: retrySchema.nullish(),
    timeouts: timeoutsSchema.nullish(),
    breaker: breakerSchema.nullish(),
    limits: z.strictObject({ body_bytes: positiveInteger.nullish(), ...upstreamLimitFields, default_completion_tokens_estimate: positiveInteger.nullish() }, mappingError).nullish(),
    log_retention_days: positiveInteger.nullish(),
    capture_retention_days: positiveInteger.nullish(),
    sse: z.strictObject({ keepalive_ms: positiveInteger.nullish() }, mappingError).nullish(),
    drop_unsupported_tools: flag.nullish(),
    log_level: z.enum(logLevels, { error: `expected one of ${logLevels.join(', ')}` }).nullish(),
  },
  { error: 'expected a mapping at the top level' },
);

export type RawConfig = z.output<typeof configSchema>;
export type RawChannel = z.output<typeof channelSchema>;
export type RawClientKey = z.output<typeof clientKeySchema>;
export type RawRetry = z.output<typeof retrySchema>;
export type RawTimeouts = z.output<typeof timeoutsSchema>;
export type RawBreaker = z.output<typeof breakerSchema>;
export type RawChannelLimits = z.output<typeof channelLimitsSchema>;
