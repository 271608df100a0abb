// The instance registry's table on PostgreSQL (migration 0007). `last_seen` is written and compared
// on the database's own clock, so instances whose clocks disagree still agree on who is live.
import { sql, type Kysely } from 'kysely';
import type { InstanceRow, InstanceStore } from './ports.ts';
import type { Database } from './schema.ts';

/** The database's now, epoch milliseconds (clock_timestamp: the time of the statement, not of the transaction). */
const databaseNowMs = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export function createInstanceStore(db: Kysely<Database>): InstanceStore {
  return {
    async heartbeat(instance) {
      await db
        .insertInto('sluice_instances')
        .values({ id: instance.id, host: instance.host, pid: instance.pid, started_at: instance.startedAt, last_seen: databaseNowMs })
        .onConflict((conflict) => conflict.column('id').doUpdateSet({ last_seen: databaseNowMs }))
        .execute();
    },
    async listLive(liveForMs) {
      const rows = await db
        .selectFrom('sluice_instances')
        .selectAll()
        .where('last_seen', '>=', sql<number>`${databaseNowMs} - ${liveForMs}`)
        .orderBy('started_at')
        .orderBy('id')
        .execute();
      return rows.map((row): InstanceRow => ({ id: row.id, host: row.host, pid: row.pid, startedAt: row.started_at, lastSeen: row.last_seen }));
    },
    async remove(id) {
      await db.deleteFrom('sluice_instances').where('id', '=', id).execute();
    },
    async prune(olderThanMs) {
      const result = await db.deleteFrom('sluice_instances').where('last_seen', '<', sql<number>`${databaseNowMs} - ${olderThanMs}`).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
