// Store failures at the SQLite level: the error reported is the one that happened, a deleted or
// replaced file is refused before a write is lost into it, and a store that cannot open says which
// store and what to do.
import { copyFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from './migrations.ts';
import { adaptDatabaseSync } from './open-sqlite.ts';
import { openStore } from './open-store.ts';
import { createRequestLogStore } from './request-log-store.ts';
import type { Database } from './schema.ts';
import { isStoreUnavailableError } from './store-errors.ts';
import { makeLogRow } from '../../test/store/suite/make-log-row.ts';

const folders: string[] = [];

async function makeFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'sluice-failures-'));
  folders.push(folder);
  return folder;
}

afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('SQLite write failures', () => {
  it('reports a full disk as itself, not as the rollback SQLite already did ("cannot rollback")', async () => {
    const database = new DatabaseSync(join(await makeFolder(), 'full.db'));
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: adaptDatabaseSync(database) }) });
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    // A file that may not grow: how SQLite's own tests make a full disk. On SQLITE_FULL SQLite rolls
    // the transaction back itself (https://www.sqlite.org/lang_transaction.html).
    const pages = database.prepare('PRAGMA page_count').get() as { page_count: number };
    database.exec(`PRAGMA max_page_count = ${String(pages.page_count)}`);
    const rows = Array.from({ length: 50 }, (_, index) => makeLogRow({ requestId: `req_${String(index)}`, errorMessage: 'x'.repeat(4000) }));
    const failure = await createRequestLogStore(db).append(rows).then(() => undefined, (error: unknown) => error);
    expect(String(failure)).toMatch(/database or disk is full/);
    expect(isStoreUnavailableError(failure)).toBe(true);
    await db.destroy();
  });

  it('refuses writes once the data folder is deleted, and says so, instead of writing into the void', async () => {
    const folder = join(await makeFolder(), 'data');
    const store = await openStore(`sqlite:${join(folder, 'sluice.db')}`);
    await store.probeWrite();
    rmSync(folder, { recursive: true, force: true });
    expect(store.findFileChange()).toMatch(/was deleted while Sluice ran/);
    const failures = await Promise.all([store.probeWrite(), store.keys.create({ name: 'lost' }), store.requestLogs.append([makeLogRow()])].map((write) => write.then(() => undefined, (error: unknown) => error)));
    for (const failure of failures) {
      expect(String(failure)).toMatch(/was deleted while Sluice ran: writes would be lost/);
      expect(isStoreUnavailableError(failure)).toBe(true);
    }
    await store.close();
  });

  it('refuses writes once another file was moved over the open one', async () => {
    const folder = await makeFolder();
    const file = join(folder, 'sluice.db');
    const store = await openStore(`sqlite:${file}`);
    copyFileSync(file, join(folder, 'copy.db'));
    renameSync(join(folder, 'copy.db'), file);
    await expect(store.probeWrite()).rejects.toThrow(/was replaced while Sluice ran/);
    await store.close();
  });
});

describe('a store that cannot open', () => {
  it('names the file, what SQLite said and what to do', async () => {
    const file = join(await makeFolder(), 'sluice.db');
    writeFileSync(file, 'not a database, only text '.repeat(200));
    await expect(openStore(`sqlite:${file}`)).rejects.toThrow(`store sqlite:${file}: file is not a database — move it aside or restore a backup`);
  });

  it('names an unreachable PostgreSQL without its password', async () => {
    const failure = await openStore('postgres://sluice:hunter2@127.0.0.1:1/sluice').then(() => undefined, (error: unknown) => error);
    expect(String(failure)).toMatch(/^StoreOpenError: store postgres:\/\/sluice:\*\*\*@127\.0\.0\.1:1\/sluice: .*ECONNREFUSED.* — check that PostgreSQL is running/);
    expect(String(failure)).not.toContain('hunter2');
  });
});
