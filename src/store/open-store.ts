// openStore: the one entry point. Picks the database by the URL's scheme, runs the migrations,
// and builds every port on one Kysely instance, so both databases share all the query code.
import { sql, type Kysely } from 'kysely';
import { createCapabilityStore } from './capability-store.ts';
import { createChannelStore } from './channel-store.ts';
import { createKeyStore } from './key-store.ts';
import { migrateToLatest } from './migrations.ts';
import { openPostgresDatabase } from './open-postgres.ts';
import { openSqliteDatabase } from './open-sqlite.ts';
import { parseStoreUrl } from './parse-store-url.ts';
import { sealChannelSecrets, type SecretSealer } from './seal-channel-secrets.ts';
import type { Store, StoreKind } from './ports.ts';
import { createRequestLogStore } from './request-log-store.ts';
import type { Database } from './schema.ts';

export interface StoreOptions {
  /** The clock for created/updated times and default stats windows; Date.now when absent. */
  now?: () => number;
  /** PostgreSQL pool size. */
  maxConnections?: number;
  /** An idle PostgreSQL connection failed; the store reconnects on the next query. */
  onBackgroundError?: (error: Error) => void;
  /** Seals API channels' secrets at rest (seal-channel-secrets.ts); without one they are stored as given. */
  sealer?: SecretSealer | undefined;
}

function assembleStore(db: Kysely<Database>, kind: StoreKind, now: () => number, sealer: SecretSealer | undefined): Store {
  return {
    kind,
    keys: createKeyStore(db, now),
    requestLogs: createRequestLogStore(db, now),
    capabilities: createCapabilityStore(db),
    channels: sealChannelSecrets(createChannelStore(db, now), sealer),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Opens the store at `url` (`sqlite:…` or `postgres://…`) and brings its schema up to date. */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url);
  const db =
    location.kind === 'sqlite'
      ? openSqliteDatabase(location.path)
      : openPostgresDatabase(location.url, {
          ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
          ...(options.onBackgroundError === undefined ? {} : { onBackgroundError: options.onBackgroundError }),
        });
  try {
    await migrateToLatest(db as Kysely<unknown>, location.kind);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return assembleStore(db, location.kind, options.now ?? Date.now, options.sealer);
}
