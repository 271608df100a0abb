// The imported channels as a config file's text: a header that says where they came from and that
// the file holds upstream secrets, `store:` when the keys went to a store other than the default.

import { Document } from 'yaml';
import type { ChannelEntry } from './map-channel.ts';
import type { SourceKind } from './source-tables.ts';

export interface ConfigTextOptions {
  kind: SourceKind;
  /** What --from named, without a password. */
  source: string;
  /** The `store:` value as the operator's config wrote it (may hold `${VAR}`); undefined: the default store. */
  store: string | undefined;
  date: Date;
}

export function writeConfigText(channels: readonly ChannelEntry[], options: ConfigTextOptions): string {
  const document = new Document({ ...(options.store === undefined ? {} : { store: options.store }), channels: channels.map(orderFields) });
  document.commentBefore = [
    ` Written by \`sluice import ${options.kind}\` from ${options.source} on ${options.date.toISOString().slice(0, 10)}.`,
    ' It holds the upstream API keys of the imported channels: keep it private (written with mode 0600),',
    ' or move them to environment variables (api_key: ${MY_KEY}). See docs/migration.md.',
  ].join('\n');
  return document.toString({ lineWidth: 0 });
}

const fieldOrder = ['name', 'type', 'base_url', 'api_version', 'api_key', 'api_keys', 'models', 'model_map', 'priority', 'weight', 'headers', 'overrides'];

/** The fields in the order DESIGN.md's example config writes them. */
function orderFields(entry: ChannelEntry): Record<string, unknown> {
  const fields: Record<string, unknown> = entry as unknown as Record<string, unknown>;
  return Object.fromEntries([...fieldOrder, ...Object.keys(fields)].filter((name, index, all) => all.indexOf(name) === index && fields[name] !== undefined).map((name) => [name, fields[name]]));
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`. */
export function hidePassword(source: string): string {
  return source.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
