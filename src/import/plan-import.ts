// Their two tables → the Sluice channels and client keys to write, with every item of the report.
// Pure: reading the source and writing the config and the store are the command's (src/cli/).

import type { ImportPolicy, ReportItem } from './import-policy.ts';
import { mapChannel, type ChannelEntry, type MappedChannel } from './map-channel.ts';
import { mapToken, type KeyEntry } from './map-token.ts';
import type { SourceKind, SourceTables } from './source-tables.ts';

export interface ImportPlan {
  kind: SourceKind;
  channels: ChannelEntry[];
  keys: KeyEntry[];
  items: ReportItem[];
  /** Rows read, to say how many of each were imported. */
  rows: { channels: number; tokens: number };
}

export function planImport(tables: SourceTables, kind: SourceKind, policy: ImportPolicy, now: number): ImportPlan {
  const mappedChannels = tables.channels.map((row) => mapChannel(row, kind)).sort((a, b) => a.id - b.id);
  const mappedTokens = tables.tokens.map((row) => mapToken(row, kind, policy, now)).sort((a, b) => a.id - b.id);
  const items: ReportItem[] = [...mappedChannels.flatMap((mapped) => mapped.items), ...mappedTokens.flatMap((mapped) => mapped.items)];
  const channels = orderByPriority(mappedChannels, items);
  const keys = mappedTokens.flatMap((mapped) => (mapped.entry === undefined ? [] : [{ ...mapped.entry, id: mapped.id }]));
  nameUniquely(channels, 'channel', items);
  nameUniquely(keys, 'token', items);
  if (tables.tokens.length > 0) {
    items.push({ subject: 'import', what: 'users and their quotas', why: `${kind} also limits each token by its user's balance (the users table); Sluice keys stand alone, so only each token's own quota is imported` });
  }
  items.sort(compareItems);
  return { kind, channels: channels.map(({ id: _id, ...channel }) => channel), keys: keys.map(({ id: _id, ...key }) => key), items, rows: { channels: tables.channels.length, tokens: tables.tokens.length } };
}

/**
 * They try the highest priority first; Sluice the lowest. Each distinct priority of theirs becomes
 * its rank (0 for their highest), so the order and the ties are kept; 0 everywhere is left unwritten.
 */
function orderByPriority(mapped: readonly MappedChannel[], items: ReportItem[]): Array<ChannelEntry & { id: number }> {
  const imported = mapped.filter((channel): channel is MappedChannel & { entry: ChannelEntry } => channel.entry !== undefined);
  const ranks = [...new Set(imported.map((channel) => channel.theirPriority))].sort((a, b) => b - a);
  if (ranks.length > 1) {
    items.push({ subject: 'import', what: `priorities ${ranks.join(', ')}`, why: `written as Sluice priorities ${ranks.map((_rank, index) => index).join(', ')}: Sluice tries the lowest first, they tried the highest` });
  }
  return imported.map((channel) => {
    const rank = ranks.indexOf(channel.theirPriority);
    return { ...channel.entry, ...(rank > 0 ? { priority: rank } : {}), id: channel.id };
  });
}

/** Their names need not be unique; Sluice's must: a repeated name gets `-<id>`. */
function nameUniquely(entries: Array<{ name: string; id: number }>, what: string, items: ReportItem[]): void {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.name, (counts.get(entry.name) ?? 0) + 1);
  const taken = new Set<string>();
  for (const entry of entries) {
    if ((counts.get(entry.name) ?? 0) > 1 || taken.has(entry.name)) {
      const renamed = `${entry.name}-${String(entry.id)}`;
      items.push({ subject: `${what} #${String(entry.id)} "${entry.name}"`, what: `named "${renamed}"`, why: 'several of theirs share the name; Sluice names are unique' });
      entry.name = renamed;
    }
    taken.add(entry.name);
  }
}

/** Channels by their id, then tokens, then what concerns the whole import. */
function compareItems(a: ReportItem, b: ReportItem): number {
  return rankItem(a) - rankItem(b);
}

function rankItem(item: ReportItem): number {
  const [, what, id] = /^(channel|token) #(\d+)/.exec(item.subject) ?? [];
  if (what === undefined) return Number.MAX_SAFE_INTEGER;
  return (what === 'channel' ? 0 : 2 ** 40) + Number(id);
}
