// Rules across fields that a per-field schema cannot state: unique names and keys, one way to give
// an API key, channel types the running Sluice knows, base_url where a type has no default, and an
// admin key long enough not to be guessed.

import { describeRedisUrlProblem, redisNeedsPostgres } from './check-redis-url.ts';
import { describeWorkersProblem } from './check-workers.ts';
import { defaultStore, minAdminKeyLength } from './defaults.ts';
import { describeAt } from './format-path.ts';
import type { RawChannel, RawClientKey, RawConfig } from './schema.ts';
import { checkServerSettings } from './server-settings.ts';

export interface CheckOptions {
  channelTypes?: readonly string[] | undefined;
  /** Channel types with no default address (azure): their channels must set base_url. */
  typesNeedingBaseUrl?: readonly string[] | undefined;
}

/** A channel or key whose required fields may be missing: what salvage-config.ts kept of a rejected one. */
export type CheckedChannel = Omit<RawChannel, 'name' | 'type'> & Partial<Pick<RawChannel, 'name' | 'type'>>;
type CheckedKey = Omit<RawClientKey, 'name' | 'key'> & Partial<Pick<RawClientKey, 'name' | 'key'>>;
export type CheckedConfig = Omit<RawConfig, 'channels' | 'keys'> & { channels: CheckedChannel[]; keys?: CheckedKey[] | null | undefined };

export function checkConfig(config: CheckedConfig, options: CheckOptions): string[] {
  const problems: string[] = [];
  if (config.admin_key != null && config.admin_key.length < minAdminKeyLength) {
    // The length only, never the value: the message goes to logs.
    const length = config.admin_key.length;
    problems.push(describeAt(['admin_key'], `too short (${length} character${length === 1 ? '' : 's'}); an admin key needs at least ${minAdminKeyLength}, for example from \`openssl rand -hex 32\``));
  }
  problems.push(...findDuplicates(config.channels.map((channel) => channel.name), 'channels', 'name', 'channel name'));
  const keys = config.keys ?? [];
  problems.push(...findDuplicates(keys.map((key) => key.name), 'keys', 'name', 'key name'));
  problems.push(...findDuplicates(keys.map((key) => key.key), 'keys', 'key', 'key value', { hideValue: true }));
  config.channels.forEach((channel, index) => {
    problems.push(...checkChannel(channel, ['channels', index], options));
  });
  problems.push(...checkServerSettings(config.server));
  problems.push(...checkRedis(config));
  const workersProblem = describeWorkersProblem(config.workers ?? 1, config.redis != null);
  if (workersProblem !== undefined) problems.push(describeAt(['workers'], workersProblem));
  return problems;
}

function checkRedis(config: CheckedConfig): string[] {
  if (config.redis == null) return [];
  const problem = describeRedisUrlProblem(config.redis);
  if (problem !== undefined) return [describeAt(['redis'], problem)];
  return (config.store ?? defaultStore).startsWith('sqlite:') ? [describeAt(['redis'], redisNeedsPostgres)] : [];
}

/** The cross-field rules of one channel entry; `at` is its path (empty for a lone entry). */
export function checkChannel(channel: CheckedChannel, at: ReadonlyArray<string | number>, options: CheckOptions): string[] {
  const problems: string[] = [];
  if (channel.api_key != null && channel.api_keys != null) {
    problems.push(describeAt([...at], 'set api_key or api_keys, not both'));
  }
  if (channel.type === undefined) return problems;
  if (channel.base_url == null && options.typesNeedingBaseUrl?.includes(channel.type) === true) {
    problems.push(describeAt([...at, 'base_url'], `required for channel type "${channel.type}", which has no default address`));
  }
  const known = options.channelTypes;
  if (known !== undefined && !known.includes(channel.type)) {
    problems.push(describeAt([...at, 'type'], `unknown channel type "${channel.type}"; known types: ${known.join(', ')}`));
  }
  return problems;
}

function findDuplicates(
  values: ReadonlyArray<string | undefined>,
  list: string,
  field: string,
  what: string,
  options: { hideValue?: boolean } = {},
): string[] {
  const firstIndex = new Map<string, number>();
  const problems: string[] = [];
  values.forEach((value, index) => {
    if (value === undefined) return;
    const first = firstIndex.get(value);
    if (first === undefined) {
      firstIndex.set(value, index);
      return;
    }
    const shown = options.hideValue === true ? '' : ` "${value}"`;
    problems.push(describeAt([list, index, field], `duplicate ${what}${shown}, already used by ${list}[${first}]`));
  });
  return problems;
}
