// The channels traffic goes to: the config file's, then those created through the admin API (kept
// in the store). The relay reads `relay.channels` per request, so replacing that list is all it
// takes for a new, changed or deleted channel to take (or stop taking) traffic at once.
import type { Logger } from 'pino';
import { ConfigError, parseChannelEntry, type ChannelEntryOptions, type SluiceConfig } from '../config/index.ts';
import type { Channel } from '../core/channel.ts';
import { GatewayError } from '../core/errors.ts';
import { providerTypes, providerTypesWithoutDefaultBaseUrl } from '../providers/registry.ts';
import type { RelayDependencies } from '../relay/relay-dependencies.ts';
import type { ChannelStore, StoredChannel } from '../store/index.ts';

/** A stored channel, and what it resolved to (undefined when its entry no longer validates). */
export interface ApiChannel {
  stored: StoredChannel;
  channel: Channel | undefined;
  problems: readonly string[];
}

export class LiveChannels {
  readonly configChannels: readonly Channel[];
  readonly #relay: Pick<RelayDependencies, 'channels' | 'secrets'>;
  readonly #store: ChannelStore;
  readonly #entryOptions: ChannelEntryOptions;
  readonly #logger: Logger;
  /** The config's own secrets; the API channels' keys are added to them at each reload. */
  readonly #configSecrets: readonly string[];
  #apiChannels: ApiChannel[] = [];

  constructor(configChannels: readonly Channel[], relay: Pick<RelayDependencies, 'channels' | 'secrets'>, store: ChannelStore, entryOptions: ChannelEntryOptions, logger: Logger) {
    this.configChannels = configChannels;
    this.#relay = relay;
    this.#store = store;
    this.#entryOptions = entryOptions;
    this.#logger = logger;
    this.#configSecrets = relay.secrets;
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
    this.#relay.channels = [...this.configChannels, ...live.filter((channel) => !this.isFromConfig(channel.name))];
    const apiKeys = this.#apiChannels.flatMap((entry) => entry.channel?.apiKeys ?? []);
    this.#relay.secrets = [...new Set([...this.#configSecrets, ...apiKeys])];
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

/** The channels of a config plus those in its store, loaded into the relay. */
export async function loadLiveChannels(config: SluiceConfig, relay: RelayDependencies, store: ChannelStore, logger: Logger): Promise<LiveChannels> {
  const entryOptions: ChannelEntryOptions = {
    policies: { retry: config.retry, timeouts: config.timeouts, breaker: config.breaker, upstreamLimits: config.upstreamLimits },
    channelTypes: providerTypes,
    typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl,
  };
  const channels = new LiveChannels(config.channels, relay, store, entryOptions, logger);
  await channels.reload();
  return channels;
}
