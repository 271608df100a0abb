// The quota ledger (migration 0008; docs/scale-out.md §E2 "Quota", step 3): while quotas are held in
// Redis, each instance batches the charges it settled and writes them here, off the request path.
// A charge is keyed by its request id, so a batch retried after an unknown outcome charges nothing
// twice; the key's `remaining_tokens` (the truth) moves by the new charges in the same transaction
// (those settled since an admin last set the balance: one set before was set with them spent),
// one UPDATE per key in key order, so two instances' batches lock rows in one order and cannot
// deadlock (LiteLLM PR #27221).
import { sql, type Kysely } from 'kysely';
import { configVersionRowName } from './record-change.ts';
import type { QuotaCharge, QuotaLedger } from './ports.ts';
import type { Database } from './schema.ts';

/** Each key's newly written request ids, sorted by key id. */
export function groupByKey(charges: readonly { key_id: string; request_id: string }[]): Array<[string, string[]]> {
  const groups = new Map<string, string[]>();
  for (const charge of charges) groups.set(charge.key_id, [...(groups.get(charge.key_id) ?? []), charge.request_id]);
  return [...groups].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
}

/** One charge per request id (the first), so one statement never inserts an id twice. */
function dedupe(charges: readonly QuotaCharge[]): QuotaCharge[] {
  const first = new Map<string, QuotaCharge>();
  for (const charge of charges) if (!first.has(charge.requestId)) first.set(charge.requestId, charge);
  return [...first.values()];
}

export function createQuotaLedger(db: Kysely<Database>): QuotaLedger {
  return {
    async record(charges) {
      const rows = dedupe(charges).map((charge) => ({ request_id: charge.requestId, key_id: charge.keyId, tokens: charge.tokens, settled_at: charge.settledAt }));
      if (rows.length === 0) return 0;
      return db.transaction().execute(async (transaction) => {
        const written = await transaction
          .insertInto('quota_ledger')
          .values(rows)
          .onConflict((conflict) => conflict.column('request_id').doNothing())
          .returning(['key_id', 'request_id'])
          .execute();
        for (const [keyId, requestIds] of groupByKey(written)) {
          // The sum is taken against the row as updated: an admin's set committed meanwhile is seen.
          const spent = sql<number>`(select coalesce(sum(${sql.ref('quota_ledger.tokens')}), 0) from quota_ledger where ${sql.ref('quota_ledger.request_id')} in (${sql.join(requestIds)}) and ${sql.ref('quota_ledger.settled_at')} >= coalesce(${sql.ref('api_keys.balance_set_at')}, 0))`;
          await transaction
            .updateTable('api_keys')
            .set((eb) => ({ remaining_tokens: eb('remaining_tokens', '-', spent) }))
            .where('id', '=', keyId)
            .where('remaining_tokens', 'is not', null)
            .execute();
        }
        return written.length;
      });
    },

    async prune(before, batchRows) {
      // As the request log's prune: a bounded batch by key, oldest first, through the (settled_at,
      // request_id) index (migration 0012), so each statement holds its locks for a bounded time.
      const expired = db.selectFrom('quota_ledger').select('request_id').where('settled_at', '<', before).orderBy('settled_at').limit(batchRows);
      const deleted = await db.deleteFrom('quota_ledger').where('request_id', 'in', expired).executeTakeFirst();
      return Number(deleted.numDeletedRows);
    },

    async readSeed(keyId) {
      // One statement, one snapshot: the balance and the version of the last key change it includes.
      const row = await db
        .selectFrom('api_keys')
        .select((eb) => [
          'remaining_tokens',
          eb.selectFrom('sluice_config_version').select('version').where('name', '=', configVersionRowName).as('version'),
        ])
        .where('id', '=', keyId)
        .executeTakeFirst();
      if (row?.remaining_tokens == null) return undefined;
      return { remainingTokens: row.remaining_tokens, version: row.version ?? 0 };
    },
  };
}
