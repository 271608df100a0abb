import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { hashKey } from './hash-key.ts';
import { openStore } from './open-store.ts';
import { makeLogRow } from '../../test/store/suite/make-log-row.ts';

const folders: string[] = [];

async function makeFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'sluice-open-'));
  folders.push(folder);
  return folder;
}

afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('openStore on SQLite', () => {
  it('creates the file and its folders on first start, in WAL mode', async () => {
    const file = join(await makeFolder(), 'data', 'nested', 'sluice.db');
    const store = await openStore(`sqlite:${file}`);
    await store.ping();
    await store.close();
    expect(existsSync(file)).toBe(true);
    const raw = new DatabaseSync(file);
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
  });

  it('keeps keys, logs and learned capabilities across a restart and migrates once', async () => {
    const url = `sqlite:${join(await makeFolder(), 'sluice.db')}`;
    const first = await openStore(url);
    const created = await first.keys.create({ name: 'app', rpm: 10 });
    await first.requestLogs.append([makeLogRow({ requestId: 'req_before_restart' })]);
    await first.capabilities.upsert({
      channel: 'dashscope',
      model: 'qwq-plus',
      capability: 'stream',
      value: 'required',
      evidence: '400 This model only support stream mode, please enable the stream parameter',
      learnedAt: 1,
      recheckAt: undefined,
    });
    await first.close();

    const second = await openStore(url);
    expect(await second.keys.findByHash(hashKey(created.key))).toEqual(created.record);
    expect(await second.requestLogs.get('req_before_restart')).toEqual(makeLogRow({ requestId: 'req_before_restart' }));
    expect(await second.capabilities.list('dashscope')).toEqual([expect.objectContaining({ model: 'qwq-plus', value: 'required' })]);
    await second.close();

    const raw = new DatabaseSync(url.slice('sqlite:'.length));
    expect(raw.prepare('SELECT name FROM sluice_migration').all()).toEqual([{ name: '0001-initial' }, { name: '0002-capture' }, { name: '0003-write-probe' }, { name: '0004-admission' }, { name: '0005-ingress' }, { name: '0006-config-version' }, { name: '0007-instances' }, { name: '0008-quota-ledger' }, { name: '0009-cost' }, { name: '0010-key-cache' }, { name: '0011-sizes' }, { name: '0012-ledger-retention' }]);
    raw.close();
  });

  it('opens an in-memory database for sqlite::memory:', async () => {
    const store = await openStore('sqlite::memory:');
    await store.keys.create({ name: 'app' });
    expect(await store.keys.list()).toHaveLength(1);
    // One instance on SQLite: no change feed, so no listener and no poll.
    expect(store.changes).toBeUndefined();
    await store.close();
  });
});

describe('openStore errors', () => {
  it('names the scheme of a URL it cannot open, never the rest', async () => {
    await expect(openStore('mysql://root:hunter2@db/sluice')).rejects.toThrow(/\(mysql:\).*sqlite:<path> or postgres:\/\//);
    await expect(openStore('mysql://root:hunter2@db/sluice')).rejects.not.toThrow(/hunter2/);
  });

  it('rejects when PostgreSQL cannot be reached', async () => {
    await expect(openStore('postgres://sluice:secret@127.0.0.1:1/sluice')).rejects.toThrow();
  });
});
