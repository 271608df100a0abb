// Client API keys: stored as sha256 hash + a short visible prefix; the full key leaves only once.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { generateKey, hashKey, readKeyPrefix } from './hash-key.ts';
import type { CreatedKey, KeyChanges, KeyRecord, KeyStore, NewKey } from './ports.ts';
import { orNull, orUndefined, parseStringList, readFlag, toFlag } from './row-values.ts';
import type { RecordChange } from './record-change.ts';
import type { ApiKeysTable, Database } from './schema.ts';
import { isUniqueViolation, StoreConflictError } from './store-errors.ts';

function toKeyRecord(row: Selectable<ApiKeysTable>): KeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    models: parseStringList(row.models),
    rpm: orUndefined(row.rpm),
    tpm: orUndefined(row.tpm),
    maxConcurrency: orUndefined(row.max_concurrency),
    queueMs: orUndefined(row.queue_ms),
    quotaTokens: orUndefined(row.quota_tokens),
    remainingTokens: orUndefined(row.remaining_tokens),
    expiresAt: orUndefined(row.expires_at),
    enabled: readFlag(row.enabled),
    debug: readFlag(row.debug),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function describeKeyChanges(changes: KeyChanges, now: number): Updateable<ApiKeysTable> {
  const set: Updateable<ApiKeysTable> = { updated_at: now };
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.models !== undefined) set.models = JSON.stringify(changes.models);
  if (changes.rpm !== undefined) set.rpm = changes.rpm;
  if (changes.tpm !== undefined) set.tpm = changes.tpm;
  if (changes.maxConcurrency !== undefined) set.max_concurrency = changes.maxConcurrency;
  if (changes.queueMs !== undefined) set.queue_ms = changes.queueMs;
  if (changes.quotaTokens !== undefined) {
    // A new quota is a fresh grant: the balance starts full unless told otherwise below.
    set.quota_tokens = changes.quotaTokens;
    set.remaining_tokens = changes.quotaTokens;
  }
  if (changes.remainingTokens !== undefined) set.remaining_tokens = changes.remainingTokens;
  if (changes.quotaTokens !== undefined || changes.remainingTokens !== undefined) set.balance_set_at = now;
  if (changes.expiresAt !== undefined) set.expires_at = changes.expiresAt;
  if (changes.enabled !== undefined) set.enabled = toFlag(changes.enabled);
  if (changes.debug !== undefined) set.debug = toFlag(changes.debug);
  return set;
}

export function createKeyStore(db: Kysely<Database>, now: () => number, record: RecordChange): KeyStore {
  const selectKeys = () => db.selectFrom('api_keys').selectAll();

  /** The unique violation was on the name or on the key hash; say which. */
  async function explainConflict(name: string, error: unknown): Promise<StoreConflictError> {
    const named = await selectKeys().where('name', '=', name).executeTakeFirst();
    return named === undefined
      ? new StoreConflictError('key', 'This key is already stored under another name.', { cause: error })
      : new StoreConflictError('name', `A key named "${name}" already exists.`, { cause: error });
  }

  return {
    async create(input: NewKey): Promise<CreatedKey> {
      const key = input.key ?? generateKey();
      const time = now();
      const row: Selectable<ApiKeysTable> = {
        id: randomUUID(),
        name: input.name,
        key_hash: hashKey(key),
        prefix: readKeyPrefix(key),
        models: JSON.stringify(input.models ?? ['*']),
        rpm: orNull(input.rpm),
        tpm: orNull(input.tpm),
        max_concurrency: orNull(input.maxConcurrency),
        queue_ms: orNull(input.queueMs),
        quota_tokens: orNull(input.quotaTokens),
        remaining_tokens: orNull(input.quotaTokens),
        balance_set_at: input.quotaTokens === undefined ? null : time,
        expires_at: orNull(input.expiresAt),
        enabled: toFlag(input.enabled ?? true),
        debug: toFlag(input.debug ?? false),
        created_at: time,
        updated_at: time,
      };
      try {
        await record({ topic: 'key', name: row.id }, (executor) => executor.insertInto('api_keys').values(row).execute());
      } catch (error) {
        if (isUniqueViolation(error)) throw await explainConflict(input.name, error);
        throw error;
      }
      return { record: toKeyRecord(row), key };
    },

    async get(id) {
      const row = await selectKeys().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toKeyRecord(row);
    },

    async findByHash(keyHash) {
      const row = await selectKeys().where('key_hash', '=', keyHash).executeTakeFirst();
      return row === undefined ? undefined : toKeyRecord(row);
    },

    async list() {
      const rows = await selectKeys().orderBy('created_at').orderBy('name').execute();
      return rows.map(toKeyRecord);
    },

    async update(id, changes) {
      try {
        const row = await record({ topic: 'key', name: id }, (executor) =>
          executor.updateTable('api_keys').set(describeKeyChanges(changes, now())).where('id', '=', id).returningAll().executeTakeFirst(),
        );
        return row === undefined ? undefined : toKeyRecord(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreConflictError('name', `A key named "${changes.name ?? ''}" already exists.`, { cause: error });
        throw error;
      }
    },

    async revoke(id) {
      const result = await record({ topic: 'key', name: id }, (executor) => executor.updateTable('api_keys').set({ enabled: 0, updated_at: now() }).where('id', '=', id).executeTakeFirst());
      return result.numUpdatedRows > 0n;
    },

    async delete(id) {
      const result = await record({ topic: 'key', name: id }, (executor) => executor.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst());
      return result.numDeletedRows > 0n;
    },

    async reserveTokens(id, tokens) {
      checkTokenCount(tokens);
      // One conditional UPDATE: the check and the debit are one statement, so concurrent requests on
      // any number of gateways sharing the database cannot hold more than the balance.
      const held = await db
        .updateTable('api_keys')
        .set((eb) => ({ remaining_tokens: eb('remaining_tokens', '-', tokens) }))
        .where('id', '=', id)
        .where('remaining_tokens', '>=', tokens)
        .returning('remaining_tokens')
        .executeTakeFirst();
      if (held?.remaining_tokens != null) return { granted: true, remainingTokens: held.remaining_tokens };
      const row = await db.selectFrom('api_keys').select('remaining_tokens').where('id', '=', id).executeTakeFirst();
      if (row?.remaining_tokens == null) return undefined;
      return { granted: false, remainingTokens: row.remaining_tokens };
    },

    async settleTokens(id, reserved, used) {
      checkTokenCount(reserved);
      checkTokenCount(used);
      // Never clamped: a request that used more than it held leaves the balance below zero, as it was.
      const row = await db
        .updateTable('api_keys')
        .set((eb) => ({ remaining_tokens: eb('remaining_tokens', '+', reserved - used) }))
        .where('id', '=', id)
        .where('remaining_tokens', 'is not', null)
        .returning('remaining_tokens')
        .executeTakeFirst();
      return row?.remaining_tokens == null ? undefined : row.remaining_tokens;
    },
  };
}

function checkTokenCount(tokens: number): void {
  if (!Number.isSafeInteger(tokens) || tokens < 0) throw new RangeError(`Cannot count ${tokens} tokens: give a whole number ≥ 0.`);
}
