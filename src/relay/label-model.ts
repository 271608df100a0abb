// Which name a model gets as a metric label. A client may send any model name; were each one a label,
// a loop of random names would grow /metrics without bound (issue 11: 5,000 names made 26.8 MB).
// So labels come only from the config: a model a channel lists or maps (either side of `model_map`),
// or a fallback names, keeps its name; one matched only by a channel's glob is labelled with that
// glob (`qwq-*`); anything else is `unknown`. The label set is then bounded by the config.
import type { Channel } from '../core/channel.ts';
import type { ChannelSource } from '../routing/channel-registry.ts';
import { isGlob, matchesGlob } from '../lib/match-glob.ts';

export const unknownModelLabel = 'unknown';

export interface ModelNames {
  /** Read at each call: the admin API replaces the snapshot when a channel changes. */
  readonly channels: ChannelSource;
  readonly fallbacks: Readonly<Record<string, readonly string[]>>;
}

interface LabelTable {
  exact: ReadonlySet<string>;
  globs: readonly string[];
}

function buildTable(channels: readonly Channel[], source: ModelNames): LabelTable {
  const exact = new Set<string>();
  const globs = new Set<string>();
  for (const channel of channels) {
    for (const model of channel.models) (isGlob(model) ? globs : exact).add(model);
    for (const [alias, upstream] of Object.entries(channel.modelMap)) {
      exact.add(alias);
      exact.add(upstream);
    }
  }
  for (const [model, fallbacks] of Object.entries(source.fallbacks)) {
    exact.add(model);
    for (const fallback of fallbacks) exact.add(fallback);
  }
  return { exact, globs: [...globs] };
}

/** A labeller over the live channels; its table is rebuilt only when the channel list is replaced. */
export function createModelLabeler(source: ModelNames): (model: string) => string {
  let table: LabelTable | undefined;
  let builtFor: readonly Channel[] | undefined;
  return (model) => {
    const { channels } = source.channels.snapshot();
    if (table === undefined || builtFor !== channels) {
      builtFor = channels;
      table = buildTable(channels, source);
    }
    if (table.exact.has(model)) return model;
    return table.globs.find((glob) => matchesGlob(glob, model)) ?? unknownModelLabel;
  };
}

/** A channel label only for a channel that exists now; names never come from a request. */
export function createChannelLabeler(source: Pick<ModelNames, 'channels'>): (channel: string) => string {
  return (channel) => (source.channels.snapshot().channels.some((candidate) => candidate.name === channel) ? channel : unknownModelLabel);
}
