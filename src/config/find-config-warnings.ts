// What a config that parses may still get wrong, said at start-up (logged) and by `sluice
// check-config`, without stopping Sluice: a channel of a keyed upstream without a key (its calls will
// answer 401), a fallback model no channel serves (never tried), a model a client key may call that
// no channel serves (its calls answer model_not_found). Channels added later through the admin API
// may serve such a model, so these are warnings, not errors.

import { isIP } from 'node:net';
import { isGlob, matchesGlob } from '../lib/match-glob.ts';
import { describeAt } from './format-path.ts';
import type { SluiceConfig } from './sluice-config.ts';

export interface WarningOptions {
  /** Channel types whose upstreams refuse calls without an API key (providers/registry.ts). */
  typesNeedingApiKey?: readonly string[] | undefined;
}

type Channels = SluiceConfig['channels'];

export function findConfigWarnings(config: Pick<SluiceConfig, 'channels' | 'keys' | 'fallbacks'>, options: WarningOptions): string[] {
  return [...findKeylessChannels(config.channels, options), ...findUnservedFallbacks(config), ...findUnservedKeyModels(config)];
}

function findKeylessChannels(channels: Channels, options: WarningOptions): string[] {
  return channels.flatMap((channel, index) => {
    if (channel.apiKeys.length > 0 || options.typesNeedingApiKey?.includes(channel.type) !== true) return [];
    // A self-hosted OpenAI-compatible server (vLLM, TGI) on this machine or a private network often takes no key.
    if (channel.baseUrl !== undefined && isLocalAddress(channel.baseUrl)) return [];
    return [describeAt(['channels', index], `channel "${channel.name}" (type ${channel.type}) has no api_key; its upstream will likely answer 401: set api_key or api_keys`)];
  });
}

function findUnservedFallbacks(config: Pick<SluiceConfig, 'channels' | 'fallbacks'>): string[] {
  return Object.entries(config.fallbacks).flatMap(([model, fallbacks]) =>
    fallbacks
      .filter((fallback) => !isServed(config.channels, fallback))
      .map((fallback) => describeAt(['fallbacks', model], `fallback model "${fallback}" is served by no channel in the config, so it is never tried`)),
  );
}

function findUnservedKeyModels(config: Pick<SluiceConfig, 'channels' | 'keys'>): string[] {
  return config.keys.flatMap((key, index) =>
    key.models
      .filter((model) => !isGlob(model) && !isServed(config.channels, model))
      .map((model) => describeAt(['keys', index, 'models'], `key "${key.name}" may call "${model}", which no channel in the config serves (model_not_found)`)),
  );
}

/** Whether a client model name reaches a channel: an alias in `model_map`, or a name or glob in `models`. */
function isServed(channels: Channels, model: string): boolean {
  return channels.some((channel) => Object.hasOwn(channel.modelMap, model) || channel.models.some((served) => matchesGlob(served, model)));
}

/** Loopback, private and link-local addresses, `localhost`, and one-label names (a compose service). */
function isLocalAddress(baseUrl: string): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  const family = isIP(host);
  if (family === 0) return !host.includes('.');
  if (family === 6) return host === '::1' || /^f[cd]/i.test(host) || /^fe80:/i.test(host);
  const [first = 0, second = 0] = host.split('.').map(Number);
  return first === 127 || first === 10 || (first === 192 && second === 168) || (first === 172 && second >= 16 && second <= 31) || (first === 169 && second === 254);
}
