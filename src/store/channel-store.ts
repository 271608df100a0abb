// Channels created through the admin API, kept as the config file would spell them. Channels from
// the config file are not stored: the file stays their source of truth.
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ChannelStore, StoredChannel } from './ports.ts';
import { parseJsonObject, readFlag, toFlag } from './row-values.ts';
import type { RecordChange } from './record-change.ts';
import type { Database, StoredChannelsTable } from './schema.ts';
import { guardUnique } from './store-errors.ts';

function toStoredChannel(row: Selectable<StoredChannelsTable>): StoredChannel {
  return {
    name: row.name,
    config: parseJsonObject(row.config),
    enabled: readFlag(row.enabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createChannelStore(db: Kysely<Database>, now: () => number, record: RecordChange): ChannelStore {
  const selectChannels = () => db.selectFrom('stored_channels').selectAll();

  return {
    async create(channel) {
      const time = now();
      const row: Selectable<StoredChannelsTable> = {
        name: channel.name,
        config: JSON.stringify(channel.config),
        enabled: toFlag(channel.enabled ?? true),
        created_at: time,
        updated_at: time,
      };
      await guardUnique('name', `A channel named "${channel.name}" already exists.`, () =>
        record({ topic: 'channel', name: channel.name }, (executor) => executor.insertInto('stored_channels').values(row).execute()),
      );
      return toStoredChannel(row);
    },

    async get(name) {
      const row = await selectChannels().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toStoredChannel(row);
    },

    async list() {
      const rows = await selectChannels().orderBy('name').execute();
      return rows.map(toStoredChannel);
    },

    async update(name, changes) {
      const set: Updateable<StoredChannelsTable> = { updated_at: now() };
      if (changes.config !== undefined) set.config = JSON.stringify(changes.config);
      if (changes.enabled !== undefined) set.enabled = toFlag(changes.enabled);
      const row = await record({ topic: 'channel', name }, (executor) => executor.updateTable('stored_channels').set(set).where('name', '=', name).returningAll().executeTakeFirst());
      return row === undefined ? undefined : toStoredChannel(row);
    },

    async delete(name) {
      const result = await record({ topic: 'channel', name }, (executor) => executor.deleteFrom('stored_channels').where('name', '=', name).executeTakeFirst());
      return result.numDeletedRows > 0n;
    },
  };
}
