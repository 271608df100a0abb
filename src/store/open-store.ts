// openStore: the one entry point. Picks the database by the URL's scheme, runs the migrations,
// and builds every port on one Kysely instance, so both databases share all the query code.
import { sql, type Kysely } from 'kysely';
import { createCapabilityStore } from './capability-store.ts';
import { createChannelStore } from './channel-store.ts';
import { createInstanceStore } from './instance-store.ts';
import { createKeyStore } from './key-store.ts';
import { createQuotaLedger } from './quota-ledger.ts';
import { migrateToLatest } from './migrations.ts';
import { openSqliteDatabase } from './open-sqlite.ts';
import { parseStoreUrl, type StoreLocation } from './parse-store-url.ts';
import { explainOpenFailure } from './explain-open-failure.ts';
import { sealChannelSecrets, type SecretSealer } from './seal-channel-secrets.ts';
import type { ChangeFeed, Store, StoreKind } from './ports.ts';
import { createOrigin, readConfigVersion, recordAndNotify, recordLocally } from './record-change.ts';
import { createRequestLogStore } from './request-log-store.ts';
import type { Database } from './schema.ts';
import type { SqliteFileGuard } from './sqlite-file-identity.ts';

export interface StoreOptions {
  /** The clock for created/updated times and default stats windows; Date.now when absent. */
  now?: () => number;
  /** PostgreSQL pool size. */
  maxConnections?: number;
  /** An idle PostgreSQL connection failed; the store reconnects on the next query. */
  onBackgroundError?: (error: Error) => void;
  /**
   * Open the database so that every write fails, as a write-protected SQLite file or a PostgreSQL
   * standby would (tests of store failures).
   */
  readOnly?: boolean;
  /** Seals API channels' secrets at rest (seal-channel-secrets.ts); without one they are stored as given. */
  sealer?: SecretSealer | undefined;
}

/** The readiness probe's row; every instance rewrites the same one. */
const probeRowName = 'readiness';

/**
 * PostgreSQL, shared by any number of instances: every change of a channel, key or capability is
 * announced in its own transaction, and a dedicated connection listens for the others'.
 */
async function createChangeFeed(db: Kysely<Database>, url: string): Promise<ChangeFeed> {
  const { listenForChanges } = await import('./listen-for-changes.ts');
  const origin = createOrigin();
  return {
    origin,
    readVersion: () => readConfigVersion(db),
    listen: (listener, policy) => listenForChanges(url, listener, policy),
  };
}

function assembleStore(db: Kysely<Database>, kind: StoreKind, now: () => number, file: SqliteFileGuard | undefined, sealer: SecretSealer | undefined, changes: ChangeFeed | undefined): Store {
  const record = changes === undefined ? recordLocally(db) : recordAndNotify(db, changes.origin);
  return {
    kind,
    keys: createKeyStore(db, now, record),
    requestLogs: createRequestLogStore(db, now),
    capabilities: createCapabilityStore(db, record),
    channels: sealChannelSecrets(createChannelStore(db, now, record), sealer),
    changes,
    instances: kind === 'postgres' ? createInstanceStore(db) : undefined,
    quotaLedger: createQuotaLedger(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async probeWrite() {
      file?.assertUnchanged();
      const row = { name: probeRowName, written_at: now() };
      await db
        .insertInto('sluice_probe')
        .values(row)
        .onConflict((conflict) => conflict.column('name').doUpdateSet({ written_at: row.written_at }))
        .execute();
    },
    findFileChange() {
      return file?.findChange();
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Opens the database and brings its schema up to date; a failure names the store and what to do. */
async function openDatabase(location: StoreLocation, options: StoreOptions): Promise<{ db: Kysely<Database>; file: SqliteFileGuard | undefined }> {
  const readOnly = options.readOnly === true ? { readOnly: true } : {};
  // pg is imported only for a PostgreSQL store: a SQLite gateway never loads it.
  const opened =
    location.kind === 'sqlite'
      ? openSqliteDatabase(location.path, readOnly)
      : {
          db: (await import('./open-postgres.ts')).openPostgresDatabase(location.url, {
            ...readOnly,
            ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
            ...(options.onBackgroundError === undefined ? {} : { onBackgroundError: options.onBackgroundError }),
          }),
          file: undefined,
        };
  try {
    await migrateToLatest(opened.db as Kysely<unknown>, location.kind);
  } catch (error) {
    await opened.db.destroy().catch(() => undefined);
    throw error;
  }
  return opened;
}

/** Opens the store at `url` (`sqlite:…` or `postgres://…`) and brings its schema up to date. */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url);
  try {
    const { db, file } = await openDatabase(location, options);
    const changes = location.kind === 'postgres' ? await createChangeFeed(db, location.url) : undefined;
    return assembleStore(db, location.kind, options.now ?? Date.now, file, options.sealer, changes);
  } catch (error) {
    throw explainOpenFailure(location, error);
  }
}
