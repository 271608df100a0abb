// What Sluice learned about upstreams (a model that needs streaming, a channel that rejects
// stream_options), kept so a restart does not learn it again.
import type { Kysely, Selectable } from 'kysely';
import type { CapabilityStore, LearnedCapability } from './ports.ts';
import { orNull, orUndefined, parseJsonText } from './row-values.ts';
import type { RecordChange } from './record-change.ts';
import type { Database, LearnedCapabilitiesTable } from './schema.ts';

function toLearnedCapability(row: Selectable<LearnedCapabilitiesTable>): LearnedCapability {
  return {
    channel: row.channel,
    model: row.model,
    capability: row.capability,
    value: parseJsonText(row.value),
    evidence: row.evidence,
    learnedAt: row.learned_at,
    recheckAt: orUndefined(row.recheck_at),
  };
}

export function createCapabilityStore(db: Kysely<Database>, record: RecordChange): CapabilityStore {
  const selectCapabilities = () => db.selectFrom('learned_capabilities').selectAll();

  return {
    async upsert(capability) {
      const row = {
        channel: capability.channel,
        model: capability.model,
        capability: capability.capability,
        value: JSON.stringify(capability.value),
        evidence: capability.evidence,
        learned_at: capability.learnedAt,
        recheck_at: orNull(capability.recheckAt),
      };
      await record({ topic: 'capability', name: capability.channel, model: capability.model }, (executor) => executor
        .insertInto('learned_capabilities')
        .values(row)
        .onConflict((conflict) =>
          conflict.columns(['channel', 'model', 'capability']).doUpdateSet({
            value: row.value,
            evidence: row.evidence,
            learned_at: row.learned_at,
            recheck_at: row.recheck_at,
          }),
        )
        .execute());
    },

    async list(channel) {
      let query = selectCapabilities();
      if (channel !== undefined) query = query.where('channel', '=', channel);
      const rows = await query.orderBy('channel').orderBy('model').orderBy('capability').execute();
      return rows.map(toLearnedCapability);
    },

    async delete(channel, model, capability) {
      const result = await record({ topic: 'capability', name: channel, model }, (executor) => {
        let query = executor.deleteFrom('learned_capabilities').where('channel', '=', channel).where('model', '=', model);
        if (capability !== undefined) query = query.where('capability', '=', capability);
        return query.executeTakeFirst();
      });
      return Number(result.numDeletedRows);
    },

    async listDue(now) {
      const rows = await selectCapabilities()
        .where('recheck_at', 'is not', null)
        .where('recheck_at', '<=', now)
        .orderBy('recheck_at')
        .orderBy('channel')
        .orderBy('model')
        .execute();
      return rows.map(toLearnedCapability);
    },
  };
}
