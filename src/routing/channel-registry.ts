// The live channel set: one immutable snapshot at a time, replaced as a whole when the admin API
// changes a channel. A reader (the relay per request, readiness, /v1/models, health checks) takes
// one snapshot and keeps using it, so a change made meanwhile can never show it half a list.
import type { Channel } from '../core/channel.ts';

export interface ChannelSnapshot {
  /** Goes up by one at every change; equal versions hold the same channels. */
  readonly version: number;
  readonly channels: readonly Channel[];
}

/** What readers need: the relay's dependencies hold this, so a test can hand in a fixed list. */
export interface ChannelSource {
  snapshot(): ChannelSnapshot;
}

function freezeSnapshot(version: number, channels: readonly Channel[]): ChannelSnapshot {
  const names = new Set<string>();
  for (const channel of channels) {
    if (names.has(channel.name)) throw new Error(`Two live channels are named '${channel.name}'.`);
    names.add(channel.name);
  }
  return Object.freeze({ version, channels: Object.freeze([...channels]) });
}

export class ChannelRegistry implements ChannelSource {
  #current: ChannelSnapshot;

  constructor(channels: readonly Channel[] = []) {
    this.#current = freezeSnapshot(0, channels);
  }

  snapshot(): ChannelSnapshot {
    return this.#current;
  }

  find(name: string): Channel | undefined {
    return this.#current.channels.find((channel) => channel.name === name);
  }

  /** The whole set at once; throws (and changes nothing) when two channels share a name. */
  replace(channels: readonly Channel[]): ChannelSnapshot {
    this.#current = freezeSnapshot(this.#current.version + 1, channels);
    return this.#current;
  }

  /** Replaces the channel of the same name where it stands, or adds it last. */
  upsert(channel: Channel): ChannelSnapshot {
    const channels = this.#current.channels;
    const index = channels.findIndex((candidate) => candidate.name === channel.name);
    return this.replace(index === -1 ? [...channels, channel] : channels.with(index, channel));
  }

  /** Removes the named channel; an unknown name changes nothing (and keeps the version). */
  remove(name: string): ChannelSnapshot {
    const channels = this.#current.channels.filter((channel) => channel.name !== name);
    return channels.length === this.#current.channels.length ? this.#current : this.replace(channels);
  }
}

/** A source that never changes (one-off tools, tests). */
export function fixedChannels(channels: readonly Channel[]): ChannelSource {
  return new ChannelRegistry(channels);
}
