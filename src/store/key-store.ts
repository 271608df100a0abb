// Client API keys: stored as sha256 hash + a short visible prefix; the full key leaves only once.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { KeyCacheSettings } from '../core/cache-policy.ts';
import type { BudgetPeriod, KeyBudget } from '../core/price.ts';
import { generateKey, hashKey, readKeyPrefix } from './hash-key.ts';
import type { CreatedKey, KeyChanges, KeyRecord, KeyStore, NewKey } from './ports.ts';
import { orNull, orUndefined, parseJsonObject, parseStringList, readFlag, toFlag } from './row-values.ts';
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
    budget: readBudget(row),
    budgetSpentUsd: orUndefined(row.budget_spent_usd),
    budgetPeriodStart: orUndefined(row.budget_period_start),
    cache: readKeyCache(row.cache),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function readBudget(row: Selectable<ApiKeysTable>): KeyBudget | undefined {
  const period: BudgetPeriod | undefined = row.budget_period === 'day' || row.budget_period === 'month' ? row.budget_period : undefined;
  return row.budget_usd === null || period === undefined ? undefined : { usd: row.budget_usd, period };
}

/** The `cache` column: `{enabled, ttl_ms, models}` as JSON; null (or text that is not an object) reads as none. */
function readKeyCache(text: string | null): KeyCacheSettings | undefined {
  if (text === null) return undefined;
  const { enabled, ttl_ms: ttlMs, models } = parseJsonObject(text);
  return {
    enabled: enabled !== false,
    ttlMs: typeof ttlMs === 'number' && ttlMs > 0 ? ttlMs : undefined,
    models: Array.isArray(models) ? models.filter((model) => typeof model === 'string') : undefined,
  };
}

function writeKeyCache(settings: KeyCacheSettings | undefined | null): string | null {
  if (settings == null) return null;
  return JSON.stringify({ enabled: settings.enabled, ttl_ms: settings.ttlMs, models: settings.models });
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
  if (changes.budget === null) Object.assign(set, { budget_usd: null, budget_period: null, budget_spent_usd: null, budget_period_start: null });
  else if (changes.budget !== undefined) Object.assign(set, { budget_usd: changes.budget.usd, budget_period: changes.budget.period });
  if (changes.budgetSpentUsd !== undefined) set.budget_spent_usd = changes.budgetSpentUsd;
  if (changes.cache !== undefined) set.cache = writeKeyCache(changes.cache);
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
        budget_usd: input.budget?.usd ?? null,
        budget_period: input.budget?.period ?? null,
        budget_period_start: null,
        budget_spent_usd: input.budget === undefined ? null : 0,
        cache: writeKeyCache(input.cache),
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

    async reserveBudget(id, periodStart, amountUsd) {
      checkAmount(amountUsd);
      // One conditional UPDATE, like reserveTokens: a stored period older than this one starts over
      // from 0 in the same statement, so no instance can reset a spend another one just took.
      const over = sql<boolean>`(budget_period_start IS NULL OR budget_period_start < ${periodStart})`;
      const spentNow = sql<number>`CASE WHEN ${over} THEN 0 ELSE COALESCE(budget_spent_usd, 0) END`;
      const held = await db
        .updateTable('api_keys')
        .set({
          budget_spent_usd: sql<number>`${spentNow} + ${amountUsd}`,
          budget_period_start: sql<number>`CASE WHEN ${over} THEN ${periodStart} ELSE budget_period_start END`,
        })
        .where('id', '=', id)
        .where('budget_usd', 'is not', null)
        .where(sql<boolean>`${spentNow} + ${amountUsd} <= budget_usd`)
        .returning(['budget_spent_usd', 'budget_period_start'])
        .executeTakeFirst();
      if (held?.budget_spent_usd != null && held.budget_period_start != null) return { granted: true, spentUsd: held.budget_spent_usd, periodStart: held.budget_period_start };
      const row = await db.selectFrom('api_keys').select(['budget_usd', 'budget_spent_usd', 'budget_period_start']).where('id', '=', id).executeTakeFirst();
      if (row?.budget_usd == null) return undefined;
      const current = row.budget_period_start != null && row.budget_period_start >= periodStart;
      return { granted: false, spentUsd: current ? (row.budget_spent_usd ?? 0) : 0, periodStart: current && row.budget_period_start != null ? row.budget_period_start : periodStart };
    },

    async settleBudget(id, periodStart, reservedUsd, costUsd) {
      checkAmount(reservedUsd);
      checkAmount(costUsd);
      const result = await db
        .updateTable('api_keys')
        .set({ budget_spent_usd: sql<number>`budget_spent_usd + ${costUsd - reservedUsd}` })
        .where('id', '=', id)
        .where('budget_period_start', '=', periodStart)
        .where('budget_spent_usd', 'is not', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function checkAmount(usd: number): void {
  if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`Cannot hold ${usd} USD: give a finite amount ≥ 0.`);
}

function checkTokenCount(tokens: number): void {
  if (!Number.isSafeInteger(tokens) || tokens < 0) throw new RangeError(`Cannot count ${tokens} tokens: give a whole number ≥ 0.`);
}
