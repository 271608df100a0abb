// The channels traffic goes to: the config file's, then those created through the admin API (kept
// in the store). The relay takes one snapshot of `relay.channels` (a ChannelRegistry) per request,
// so replacing the registry's set is all it takes for a new, changed or deleted channel to take (or
// stop taking) traffic at once, and a request already running keeps the set it started with.
import type { Logger } from 'pino';
import { ConfigError, parseChannelEntry, type ChannelEntryOptions, type SluiceConfig } from '../config/index.ts';
import type { Channel } from '../core/channel.ts';
import { GatewayError } from '../core/errors.ts';
import { providerTypes, providerTypesWithoutDefaultBaseUrl } from '../providers/registry.ts';
import { listHeaderSecrets } from '../relay/capture.ts';
import type { RelayDependencies } from '../relay/relay-dependencies.ts';
import type { ChannelRegistry } from '../routing/channel-registry.ts';
import type { ChannelStore, StoredChannel } from '../store/index.ts';

/** A stored channel, and what it resolved to (undefined when its entry no longer validates). */
export interface ApiChannel {
  stored: StoredChannel;
  channel: Channel | undefined;
  problems: readonly string[];
}

export class LiveChannels {
  readonly configChannels: readonly Channel[];
  readonly #relay: Pick<RelayDependencies, 'secrets'>;
  readonly #registry: ChannelRegistry;
  readonly #store: ChannelStore;
  readonly #entryOptions: ChannelEntryOptions;
  readonly #logger: Logger;
  /**
   * The config's own secrets, and those learned since start (client keys created through the admin
   * API); the API channels' keys and header secrets are added to them at each reload.
   */
  readonly #fixedSecrets: string[];
  #apiChannels: ApiChannel[] = [];

  constructor(configChannels: readonly Channel[], registry: ChannelRegistry, relay: Pick<RelayDependencies, 'secrets'>, store: ChannelStore, entryOptions: ChannelEntryOptions, logger: Logger) {
    this.configChannels = configChannels;
    this.#registry = registry;
    this.#relay = relay;
    this.#store = store;
    this.#entryOptions = entryOptions;
    this.#logger = logger;
    this.#fixedSecrets = [...relay.secrets];
  }

  isFromConfig(name: string): boolean {
    return this.configChannels.some((channel) => channel.name === name);
  }

  apiChannels(): readonly ApiChannel[] {
    return this.#apiChannels;
  }

  findApiChannel(name: string): ApiChannel | undefined {
    return this.#apiChannels.find((entry) => entry.stored.name === name);
  }

  /** Validates a channel entry as the config file would; a bad one is a 400 naming each field. */
  resolve(entry: unknown): Channel {
    try {
      return parseChannelEntry(entry, this.#entryOptions);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const [first = ''] = error.problems;
      const param = /^([A-Za-z_.[\]"0-9-]+): /.exec(first)?.[1] ?? null;
      throw new GatewayError('invalid_request', `The channel is not valid: ${error.problems.join('; ')}`, { param });
    }
  }

  /** Re-reads the stored channels and replaces the relay's list (and the secrets captures mask). */
  async reload(): Promise<void> {
    const stored = await this.#store.list();
    this.#apiChannels = stored.map((entry) => this.#resolveStored(entry));
    const live = this.#apiChannels.flatMap((entry) => (entry.stored.enabled && entry.channel !== undefined ? [entry.channel] : []));
    // A stored channel named like a config channel (the file gained it later) yields to the file.
    this.#registry.replace([...this.configChannels, ...live.filter((channel) => !this.isFromConfig(channel.name))]);
    this.#publishSecrets();
  }

  /** Masks `secret` in every capture from now on (a client key created through the admin API). */
  rememberSecret(secret: string): void {
    this.#fixedSecrets.push(secret);
    this.#publishSecrets();
  }

  #publishSecrets(): void {
    const apiSecrets = this.#apiChannels.flatMap((entry) => (entry.channel === undefined ? [] : [...entry.channel.apiKeys, ...listHeaderSecrets(entry.channel.headers)]));
    this.#relay.secrets = [...new Set([...this.#fixedSecrets, ...apiSecrets])];
  }

  #resolveStored(stored: StoredChannel): ApiChannel {
    try {
      return { stored, channel: parseChannelEntry(stored.config, this.#entryOptions), problems: [] };
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems : [String(error)];
      this.#logger.warn({ channel: stored.name, problems }, `stored channel ${stored.name} is not valid and takes no traffic`);
      return { stored, channel: undefined, problems };
    }
  }
}

/** The relay's dependencies as start-up builds them: the channels are a registry it may replace. */
export type LiveRelayDependencies = RelayDependencies & { channels: ChannelRegistry };

/** The channels of a config plus those in its store, loaded into the relay's registry. */
export async function loadLiveChannels(config: SluiceConfig, relay: Pick<LiveRelayDependencies, 'channels' | 'secrets'>, store: ChannelStore, logger: Logger): Promise<LiveChannels> {
  const entryOptions: ChannelEntryOptions = {
    policies: { retry: config.retry, timeouts: config.timeouts, breaker: config.breaker, upstreamLimits: config.upstreamLimits },
    channelTypes: providerTypes,
    typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl,
  };
  const channels = new LiveChannels(config.channels, relay.channels, relay, store, entryOptions, logger);
  await channels.reload();
  return channels;
}
