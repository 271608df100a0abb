// PostgreSQL through pg's connection pool and Kysely's PostgresDialect.
import { Kysely, PostgresDialect } from 'kysely';
import { Pool, TypeOverrides } from 'pg';
import type { Database } from './schema.ts';

/** pg's type id for int8 (bigint), which it returns as a string by default. */
const int8TypeId = 20;

/**
 * Times and token counts are bigint columns holding epoch milliseconds and counts, far below 2^53,
 * and count(*) is int8 too: read them as numbers, as SQLite does. Set on this pool only, never on
 * pg's global parsers.
 */
function createTypeParsers(): TypeOverrides {
  const types = new TypeOverrides();
  types.setTypeParser(int8TypeId, (text: string) => Number(text));
  return types;
}

export interface PostgresOptions {
  /** Connections in the pool. */
  maxConnections?: number;
  /** An idle pooled connection failed (the server restarted, say); the next query reconnects. */
  onBackgroundError?: (error: Error) => void;
  /** Every transaction read-only, as on a standby server (tests of a store that refuses writes). */
  readOnly?: boolean;
}

export function openPostgresDatabase(url: string, options: PostgresOptions = {}): Kysely<Database> {
  const pool = new Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types: createTypeParsers(),
    ...(options.readOnly === true ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // Without a listener an idle client's error would crash the process.
  pool.on('error', (error) => options.onBackgroundError?.(error));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
