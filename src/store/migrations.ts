// Versioned migrations, run at open by Kysely's Migrator (which records them in `sluice_migration`
// and, on PostgreSQL, takes a lock so two gateways starting together do not both migrate).
// One schema-builder code for both databases; the only difference is how an auto-increment id is
// spelled. Never edit a migration that has shipped: add the next one.
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import type { StoreKind } from './ports.ts';

type SchemaDatabase = Kysely<unknown>;

async function createInitialTables(db: SchemaDatabase, kind: StoreKind): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull().unique())
    .addColumn('key_hash', 'text', (column) => column.notNull().unique())
    .addColumn('prefix', 'text', (column) => column.notNull())
    .addColumn('models', 'text', (column) => column.notNull())
    .addColumn('rpm', 'integer')
    .addColumn('tpm', 'integer')
    .addColumn('quota_tokens', 'bigint')
    .addColumn('remaining_tokens', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('enabled', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('request_logs')
    .$call((table) =>
      kind === 'postgres'
        ? table.addColumn('id', 'bigint', (column) => column.primaryKey().generatedByDefaultAsIdentity())
        : table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement()),
    )
    .addColumn('time', 'bigint', (column) => column.notNull())
    .addColumn('request_id', 'text', (column) => column.notNull())
    .addColumn('key_name', 'text')
    .addColumn('client_model', 'text', (column) => column.notNull())
    .addColumn('channel', 'text')
    .addColumn('upstream_model', 'text')
    .addColumn('client_stream', 'integer', (column) => column.notNull())
    .addColumn('upstream_stream', 'integer')
    .addColumn('adaptations', 'text', (column) => column.notNull())
    .addColumn('attempts', 'text', (column) => column.notNull())
    .addColumn('status', 'integer', (column) => column.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('first_token_ms', 'integer')
    .addColumn('duration_ms', 'integer', (column) => column.notNull())
    .addColumn('prompt_tokens', 'integer')
    .addColumn('completion_tokens', 'integer')
    .addColumn('usage_source', 'text')
    .addColumn('client_ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('request_logs_time').on('request_logs').columns(['time', 'id']).execute();
  await db.schema.createIndex('request_logs_request_id').on('request_logs').column('request_id').execute();

  await db.schema
    .createTable('learned_capabilities')
    .addColumn('channel', 'text', (column) => column.notNull())
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('capability', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addColumn('evidence', 'text', (column) => column.notNull())
    .addColumn('learned_at', 'bigint', (column) => column.notNull())
    .addColumn('recheck_at', 'bigint')
    .addPrimaryKeyConstraint('learned_capabilities_pk', ['channel', 'model', 'capability'])
    .execute();
  await db.schema.createIndex('learned_capabilities_recheck_at').on('learned_capabilities').column('recheck_at').execute();

  await db.schema
    .createTable('stored_channels')
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('config', 'text', (column) => column.notNull())
    .addColumn('enabled', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
}

/** What the relay learned to record after 0001: the answering model, overhead, debug capture, a key's debug switch. */
async function addCaptureColumns(db: SchemaDatabase): Promise<void> {
  await db.schema.alterTable('request_logs').addColumn('answered_model', 'text').execute();
  await db.schema.alterTable('request_logs').addColumn('overhead_ms', 'double precision').execute();
  await db.schema.alterTable('request_logs').addColumn('capture', 'text').execute();
  await db.schema.alterTable('api_keys').addColumn('debug', 'integer', (column) => column.notNull().defaultTo(0)).execute();
}

/** A one-row table the readiness probe rewrites: a write that proves the store takes writes. */
async function addWriteProbe(db: SchemaDatabase): Promise<void> {
  await db.schema
    .createTable('sluice_probe')
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('written_at', 'bigint', (column) => column.notNull())
      .execute();
}

/**
 * Per-key concurrency (issue 12), and an index for pruning debug captures by age without reading
 * every row (the request_logs_time index serves pruning whole rows).
 */
async function addAdmissionColumns(db: SchemaDatabase): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('max_concurrency', 'integer').execute();
  await db.schema.alterTable('api_keys').addColumn('queue_ms', 'integer').execute();
  await db.schema
    .createIndex('request_logs_capture_time')
    .on('request_logs')
    .column('time')
    .where(sql.ref('capture'), 'is not', null)
    .execute();
}

/** The client protocol of each request (issue 14): chat, responses, messages, embeddings. */
async function addIngressColumn(db: SchemaDatabase): Promise<void> {
  await db.schema.alterTable('request_logs').addColumn('ingress', 'text').execute();
}

/**
 * The counter peers poll as the backstop of LISTEN/NOTIFY (issue 15, docs/scale-out.md §F): one row,
 * bumped in the same transaction as each change of a channel, key or learned capability.
 */
async function addConfigVersion(db: SchemaDatabase): Promise<void> {
  await db.schema
    .createTable('sluice_config_version')
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('version', 'bigint', (column) => column.notNull())
    .execute();
  await sql`insert into sluice_config_version (name, version) values ('config', 0)`.execute(db);
}

/**
 * The instance registry (issue 15, docs/deploy.md "Instance registry"): one row per running instance,
 * rewritten by its heartbeat; a row not rewritten for a few heartbeats is an instance gone.
 */
async function addInstances(db: SchemaDatabase): Promise<void> {
  await db.schema
    .createTable('sluice_instances')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('host', 'text', (column) => column.notNull())
    .addColumn('pid', 'integer', (column) => column.notNull())
    .addColumn('started_at', 'bigint', (column) => column.notNull())
    .addColumn('last_seen', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('sluice_instances_last_seen').on('sluice_instances').column('last_seen').execute();
}

/**
 * The quota ledger (issue 15, docs/deploy.md "Quotas across instances"): one row per settled charge,
 * keyed by the request id, so a batch written twice charges once; `remaining_tokens` moves in the
 * same transaction as the rows that were new, by those settled since an admin last set it.
 */
async function addQuotaLedger(db: SchemaDatabase): Promise<void> {
  await db.schema
    .createTable('quota_ledger')
    .addColumn('request_id', 'text', (column) => column.primaryKey())
    .addColumn('key_id', 'text', (column) => column.notNull())
    .addColumn('tokens', 'bigint', (column) => column.notNull())
    .addColumn('settled_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('quota_ledger_key_id').on('quota_ledger').columns(['key_id', 'settled_at']).execute();
  // When an admin last set the balance: a charge settled before it is recorded but not taken off it.
  await db.schema.alterTable('api_keys').addColumn('balance_set_at', 'bigint').execute();
}

/**
 * Cost (issue 16, docs/cost.md): each request's cost in USD at the configured prices (null: no usage
 * or no price) and its cached prompt tokens; a key's budget per UTC day or month, what the current
 * period has spent (in-flight reservations included) and when that period started.
 */
async function addCostColumns(db: SchemaDatabase): Promise<void> {
  await db.schema.alterTable('request_logs').addColumn('cost_usd', 'double precision').execute();
  await db.schema.alterTable('request_logs').addColumn('cached_prompt_tokens', 'integer').execute();
  await db.schema.alterTable('api_keys').addColumn('budget_usd', 'double precision').execute();
  await db.schema.alterTable('api_keys').addColumn('budget_period', 'text').execute();
  await db.schema.alterTable('api_keys').addColumn('budget_period_start', 'bigint').execute();
  await db.schema.alterTable('api_keys').addColumn('budget_spent_usd', 'double precision').execute();
}

/** Per-key response-cache settings (issue 17, docs/caching.md "Per key"): JSON text, null for the global ones. */
async function addKeyCacheColumn(db: SchemaDatabase): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('cache', 'text').execute();
}

/**
 * Sizes (issue 18, docs/endpoints.md): the client request's body and the answer sent to the client, in
 * bytes (null where not measured), so an upload or an image answer is visible in the log.
 */
async function addSizeColumns(db: SchemaDatabase): Promise<void> {
  await db.schema.alterTable('request_logs').addColumn('request_bytes', 'bigint').execute();
  await db.schema.alterTable('request_logs').addColumn('response_bytes', 'bigint').execute();
}

/**
 * Ledger retention (docs/security.md "Retention"): the quota ledger's charges are pruned with the
 * request log, by `settled_at`, oldest first in small batches; this index serves those deletes.
 */
async function addLedgerTimeIndex(db: SchemaDatabase): Promise<void> {
  await db.schema.createIndex('quota_ledger_settled_at').on('quota_ledger').columns(['settled_at', 'request_id']).execute();
}

/** By name; applied in name order. */
function listMigrations(kind: StoreKind): Record<string, Migration> {
  return {
    '0001-initial': { up: (db) => createInitialTables(db, kind) },
    '0002-capture': { up: addCaptureColumns },
    '0003-write-probe': { up: addWriteProbe },
    '0004-admission': { up: addAdmissionColumns },
    '0005-ingress': { up: addIngressColumn },
    '0006-config-version': { up: addConfigVersion },
    '0007-instances': { up: addInstances },
    '0008-quota-ledger': { up: addQuotaLedger },
    '0009-cost': { up: addCostColumns },
    '0010-key-cache': { up: addKeyCacheColumn },
    '0011-sizes': { up: addSizeColumns },
    '0012-ledger-retention': { up: addLedgerTimeIndex },
  };
}

/** Applies every migration the database has not had yet; throws if one fails. */
export async function migrateToLatest(db: Kysely<unknown>, kind: StoreKind): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(listMigrations(kind)) },
    migrationTableName: 'sluice_migration',
    migrationLockTableName: 'sluice_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'setup';
    throw new Error(`The ${kind} store could not be migrated (at ${failed}): ${describeError(error)}`, { cause: error });
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
