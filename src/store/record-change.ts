// Changes other instances must see (channels, keys, learned capabilities) are written through a
// RecordChange. On PostgreSQL it wraps the write in a transaction that also bumps the
// `sluice_config_version` counter and sends `pg_notify` — a notification is delivered only when the
// transaction commits, so the change and its signal are one (docs/scale-out.md §C, §F). On SQLite
// (one instance) it only writes.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ChangeTopic, StoreChange } from './ports.ts';
import type { Database } from './schema.ts';
import { readJsonFields } from '../lib/read-json-fields.ts';

/** The PostgreSQL channel every instance LISTENs on. */
export const changeChannelName = 'sluice_changes';

/** The one row of `sluice_config_version` (migration 0006). */
export const configVersionRowName = 'config';

/**
 * Names in a payload are cut to this many characters (PostgreSQL refuses payloads of 8000 bytes or
 * more); a receiver that gets a cut name reloads the whole topic anyway.
 */
export const maxPayloadNameLength = 200;

export interface ChangeSubject {
  topic: ChangeTopic;
  /** The channel's name, the key's id, or the capability's channel. Never a secret. */
  name?: string | undefined;
  /** The upstream model of a capability. */
  model?: string | undefined;
}

export type RecordChange = <T>(subject: ChangeSubject, write: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

/** SQLite: the write alone. */
export function recordLocally(db: Kysely<Database>): RecordChange {
  return (_subject, write) => write(db);
}

/** A fresh id for this store's notifications, so an instance can tell its own from its peers'. */
export function createOrigin(): string {
  return randomUUID();
}

/** The notification's text: small, no secrets (names and ids only). */
export function writeChangePayload(change: StoreChange): string {
  const cut = (text: string | undefined): string | undefined => (text === undefined ? undefined : text.slice(0, maxPayloadNameLength));
  return JSON.stringify({ v: change.version, o: change.origin, t: change.topic, n: cut(change.name), m: cut(change.model), a: change.sentAt });
}

/** The change a payload describes; undefined when it is not one of ours. */
export function readChangePayload(payload: string): StoreChange | undefined {
  const fields = readJsonFields(payload);
  if (fields === undefined) return undefined;
  const { v: version, o: origin, t: topic, n: name, m: model, a: sentAt } = fields;
  if (typeof version !== 'number' || typeof origin !== 'string') return undefined;
  if (topic !== 'channel' && topic !== 'key' && topic !== 'capability') return undefined;
  return {
    version,
    origin,
    topic,
    name: typeof name === 'string' && name.length < maxPayloadNameLength ? name : undefined,
    model: typeof model === 'string' && model.length < maxPayloadNameLength ? model : undefined,
    ...(typeof sentAt === 'number' ? { sentAt } : {}),
  };
}

/** PostgreSQL: the write, the version bump and the notification in one transaction. */
export function recordAndNotify(db: Kysely<Database>, origin: string): RecordChange {
  return (subject, write) =>
    db.transaction().execute(async (transaction) => {
      const result = await write(transaction);
      const { version } = await transaction
        .updateTable('sluice_config_version')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('name', '=', configVersionRowName)
        .returning('version')
        .executeTakeFirstOrThrow();
      const payload = writeChangePayload({ ...subject, version, origin, name: subject.name, model: subject.model, sentAt: Date.now() });
      await sql`select pg_notify(${changeChannelName}, ${payload})`.execute(transaction);
      return result;
    });
}

/** The counter as committed now; 0 before any change. */
export async function readConfigVersion(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('sluice_config_version').select('version').where('name', '=', configVersionRowName).executeTakeFirst();
  return row?.version ?? 0;
}
