// The request-log thread: rows it writes land in the store's file, and its failures come back to the
// main thread as the store's own errors, so they are counted and reach /readyz like any other.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';
import { startLogThread } from './start-log-thread.ts';
import { isStoreUnavailableError } from './store-errors.ts';
import { makeLogRow } from '../../test/store/suite/make-log-row.ts';

const folders: string[] = [];

async function makeFile(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'sluice-log-thread-'));
  folders.push(folder);
  return join(folder, 'sluice.db');
}

afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('startLogThread', () => {
  it('writes batches on its own connection; the store reads them back whole', async () => {
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: false });
    await thread.write([makeLogRow({ requestId: 'req_a', errorMessage: 'said "no"', userAgent: 'u'.repeat(300) }), makeLogRow({ requestId: 'req_b', upstreamStream: undefined })]);
    await thread.write([makeLogRow({ requestId: 'req_c' })]);
    await thread.close();
    const page = await store.requestLogs.list();
    expect(page.rows.map((row) => row.requestId).sort()).toEqual(['req_a', 'req_b', 'req_c']);
    expect(await store.requestLogs.get('req_a')).toEqual(makeLogRow({ requestId: 'req_a', errorMessage: 'said "no"', userAgent: 'u'.repeat(256) }));
    expect((await store.requestLogs.get('req_b'))?.upstreamStream).toBeUndefined();
    await store.close();
  });

  it('rejects a batch with the database’s own error, recognised as the store being unavailable', async () => {
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: true });
    const failure = await thread.write([makeLogRow()]).then(() => undefined, (error: unknown) => error);
    expect(String(failure)).toMatch(/attempt to write a readonly database/);
    expect(isStoreUnavailableError(failure)).toBe(true);
    await thread.close();
    expect((await store.requestLogs.list()).rows).toEqual([]);
    await store.close();
  });

  it('refuses to write once the file is deleted, on the thread itself', async () => {
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: false });
    await thread.write([makeLogRow({ requestId: 'req_before' })]);
    rmSync(file);
    const failure = await thread.write([makeLogRow({ requestId: 'req_after' })]).then(() => undefined, (error: unknown) => error);
    expect(String(failure)).toMatch(/was deleted while Sluice ran: writes would be lost/);
    expect(isStoreUnavailableError(failure)).toBe(true);
    await thread.close();
    await store.close();
  });

  it('refuses a batch before posting it when the main thread sees the file changed', async () => {
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: false, findFileChange: () => 'the database file was replaced while Sluice ran' });
    await expect(thread.write([makeLogRow()])).rejects.toThrow(/was replaced while Sluice ran: writes would be lost/);
    await thread.close();
    expect((await store.requestLogs.list()).rows).toEqual([]);
    await store.close();
  });

  it('fails later writes once closed, rather than waiting forever', async () => {
    const file = await makeFile();
    const thread = startLogThread({ path: file, readOnly: false });
    await thread.close();
    await expect(thread.write([makeLogRow()])).rejects.toThrow(/request log thread stopped/);
  });
});
