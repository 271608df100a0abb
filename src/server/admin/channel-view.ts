// A channel as the admin API shows it: the config file's spelling (snake_case), every upstream key
// masked, and its health as the relay sees it now — circuits per model, refused keys, learned
// capabilities.
import type { CapabilityHints, Channel } from '../../core/channel.ts';
import { isSafeChannelHeader, maskSecrets } from '../../relay/capture.ts';
import { listProbeModels } from '../../relay/probe-channel.ts';
import type { RelayDependencies } from '../../relay/relay-dependencies.ts';
import type { StoredChannel } from '../../store/index.ts';
import type { ApiChannel } from '../live-channels.ts';
import { maskSecret, maskSecretsDeep } from './mask-secret.ts';
import { showTime } from './read-input.ts';

type HealthSources = Pick<RelayDependencies, 'breakers' | 'keys' | 'learned' | 'secrets'>;

export function describeHints(hints: CapabilityHints): Record<string, unknown> {
  return {
    ...(hints.stream === undefined ? {} : { stream: hints.stream }),
    ...(hints.streamOptions === undefined ? {} : { stream_options: hints.streamOptions }),
    ...(hints.dropFields === undefined ? {} : { drop_fields: hints.dropFields }),
    ...(hints.responsesApi === undefined ? {} : { responses_api: hints.responsesApi }),
    ...(hints.completions === undefined ? {} : { completions: hints.completions }),
    ...(hints.unsupportedEndpoints === undefined ? {} : { unsupported_endpoints: hints.unsupportedEndpoints }),
    ...(hints.rerankTexts === undefined ? {} : { rerank_texts: hints.rerankTexts }),
  };
}

/** Every concrete model's circuit (closed until it first failed), and any other model that failed. */
function describeCircuits(channel: Channel, relay: HealthSources) {
  const circuits = new Map(listProbeModels(channel).map((model) => [model, { model, state: 'closed', failures: 0 }]));
  for (const circuit of relay.breakers.snapshot()) {
    const [name, model = ''] = circuit.key.split('\u0000');
    if (name === channel.name) circuits.set(model, { model, state: circuit.state, failures: circuit.failures });
  }
  return [...circuits.values()];
}

function describeHealth(channel: Channel, relay: HealthSources) {
  const name = channel.name;
  const circuits = describeCircuits(channel, relay);
  const refusedKeys = relay.keys
    .problems()
    .filter((problem) => problem.channel === name)
    .map((problem) => ({ key: problem.key, model: problem.model ?? null, reason: maskSecrets(problem.reason, relay.secrets), since: showTime(problem.since), recheck_at: showTime(problem.recheckAt) }));
  const learned = relay.learned
    .list()
    .filter((entry) => entry.channel === name)
    .map((entry) => ({ model: entry.model, ...describeHints(entry.hints), evidence: entry.evidence, learned_at: showTime(entry.learnedAt), recheck_at: showTime(entry.recheckAt) }));
  return { circuits, refused_keys: refusedKeys, learned };
}

/** A custom header's value is a secret unless its name is on the safe list (relay/capture.ts). */
function describeHeaders(headers: Readonly<Record<string, string>>, secrets: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isSafeChannelHeader(name) ? maskSecrets(value, secrets) : maskSecret(value)]));
}

function describeSettings(channel: Channel, secrets: readonly string[]) {
  return {
    type: channel.type,
    base_url: channel.baseUrl === undefined ? null : maskSecretsDeep(channel.baseUrl, secrets),
    api_keys: channel.apiKeys.map(maskSecret),
    models: channel.models,
    model_map: channel.modelMap,
    priority: channel.priority,
    weight: channel.weight,
    overrides: channel.overrides === undefined ? null : maskSecretsDeep(channel.overrides, secrets),
    // Header overrides may carry a credential (an `api-key` for a relay): all but the safe ones masked.
    headers: describeHeaders(channel.headers, secrets),
    api_version: channel.apiVersion ?? null,
    default_max_tokens: channel.defaultMaxTokens ?? null,
    max_concurrency: channel.maxConcurrency ?? null,
    prefer_stream: channel.preferStream,
    debug: channel.debug,
    health_check: channel.healthCheck === undefined ? null : { interval_ms: channel.healthCheck.intervalMs, models: channel.healthCheck.models },
    capabilities: Object.fromEntries(Object.entries(channel.capabilities).map(([model, hints]) => [model, describeHints(hints)])),
    retry: { attempts: channel.retry.attempts, base_ms: channel.retry.baseMs, max_ms: channel.retry.maxMs, max_retry_after_ms: channel.retry.maxRetryAfterMs },
    timeouts: {
      connect_ms: channel.timeouts.connectMs,
      first_byte_ms: channel.timeouts.firstByteMs,
      first_chunk_ms: channel.timeouts.firstChunkMs,
      idle_ms: channel.timeouts.idleMs,
      total_ms: channel.timeouts.totalMs,
    },
    breaker: { failure_rate: channel.breaker.failureRate, window_ms: channel.breaker.windowMs, min_calls: channel.breaker.minCalls, cooldown_ms: channel.breaker.cooldownMs },
    limits: { upstream_body_bytes: channel.limits.bodyBytes, upstream_stream_bytes: channel.limits.streamBytes },
  };
}

export function describeConfigChannel(channel: Channel, relay: HealthSources) {
  return { name: channel.name, source: 'config', enabled: true, ...describeSettings(channel, relay.secrets), health: describeHealth(channel, relay) };
}

function describeStoredTimes(stored: StoredChannel) {
  return { created_at: showTime(stored.createdAt), updated_at: showTime(stored.updatedAt) };
}

export function describeApiChannel(entry: ApiChannel, relay: HealthSources) {
  const { stored, channel } = entry;
  if (channel === undefined) {
    // An entry that no longer validates (its type was removed, say): shown with why, taking no traffic.
    return { name: stored.name, source: 'api', enabled: stored.enabled, problems: entry.problems, ...describeStoredTimes(stored) };
  }
  return {
    name: stored.name,
    source: 'api',
    enabled: stored.enabled,
    ...describeSettings(channel, relay.secrets),
    health: describeHealth(channel, relay),
    ...describeStoredTimes(stored),
  };
}
