// The request-log thread: rows it writes land in the store's file, and its failures come back to the
// main thread as the store's own errors, so they are counted and reach /readyz like any other.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';
import { defaultLogWriterPolicy, createLogWriter } from './log-writer.ts';
import { chooseIdleStop, defaultLogThreadPolicy, startLogThread } from './start-log-thread.ts';
import type { RequestLogRow } from './ports.ts';
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

  it('writes every column, set or NULL, and reads back rows identical to those written', async () => {
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: false });
    const full = makeLogRow({ requestId: 'req_full', errorCode: 'upstream_error', errorMessage: 'said "no" — ünïcode 🙂', overheadMs: 0.125, adaptations: ['collect-stream', 'learned:stream=required'] });
    const bare = makeLogRow({
      requestId: 'req_bare', keyName: undefined, channel: undefined, upstreamModel: undefined, upstreamStream: undefined, adaptations: [], attempts: [], errorCode: undefined,
      errorMessage: undefined, firstTokenMs: undefined, promptTokens: undefined, completionTokens: undefined, usageSource: undefined, clientIp: undefined, userAgent: undefined,
      answeredModel: undefined, overheadMs: undefined, capture: undefined, ingress: undefined, costUsd: undefined, cachedPromptTokens: undefined, requestBytes: undefined, responseBytes: undefined,
    });
    const other = makeLogRow({ requestId: 'req_other', clientStream: true, upstreamStream: false, status: 502, capture: '', promptTokens: 0 });
    await thread.write([full, bare, other]);
    await thread.close();
    expect(await store.requestLogs.get('req_full')).toStrictEqual(full);
    expect(await store.requestLogs.get('req_bare')).toStrictEqual(bare);
    expect(await store.requestLogs.get('req_other')).toStrictEqual(other);
    await store.close();
  });

  it('writes a long batch whole and in order', async () => {
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: false });
    const rows = Array.from({ length: 23 }, (_, index) =>
      makeLogRow({ requestId: `req_${String(index)}`, time: 1000 + index, status: 200 + index, ...(index % 3 === 0 ? { keyName: undefined, errorMessage: `failed ${'ü'.repeat(index)}`, costUsd: undefined } : {}) }),
    );
    // One request id twice: the later row is the one read back.
    rows[10] = makeLogRow({ requestId: 'req_9', time: 1010, status: 599 });
    await thread.write(rows);
    await thread.close();
    for (const [index, row] of rows.entries()) if (index !== 9) expect(await store.requestLogs.get(row.requestId)).toStrictEqual(row);
    expect((await store.requestLogs.list({}, { limit: 100 })).rows).toHaveLength(23);
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

  it('stops after its idle time without batches and starts again for the next one, losing no row', async () => {
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: false, idleStopMs: 50 });
    expect(thread.isRunning()).toBe(false);
    await thread.write([makeLogRow({ requestId: 'req_first' })]);
    expect(thread.isRunning()).toBe(true);
    await expect.poll(() => thread.isRunning(), { timeout: 5000, interval: 10 }).toBe(false);
    await thread.write([makeLogRow({ requestId: 'req_second' })]);
    expect(thread.isRunning()).toBe(true);
    await thread.close();
    expect(thread.isRunning()).toBe(false);
    expect((await store.requestLogs.list()).rows.map((row) => row.requestId).sort()).toEqual(['req_first', 'req_second']);
    await store.close();
  });

  it('is not stopped between the log writer\'s batches under steady traffic (its first wait outlasts a flush interval)', async () => {
    // Both defaults scaled down tenfold: rows every 10 ms, fewer than a batch per flush interval, so
    // each batch is posted one flush interval after the first row that followed the last commit.
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: false, idleStopMs: defaultLogThreadPolicy.idleStopMs / 10 });
    const writer = createLogWriter<RequestLogRow>((rows) => thread.write(rows), { flushIntervalMs: defaultLogWriterPolicy.flushIntervalMs / 10 });
    for (let index = 0; index < 100; index++) {
      writer.append(makeLogRow({ requestId: `req_${String(index)}` }));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await writer.close();
    await thread.close();
    // A first wait equal to the flush interval stopped the thread just before each second batch: 2.
    expect(thread.readStarts()).toBe(1);
    expect((await store.requestLogs.list({}, { limit: 200 })).rows).toHaveLength(100);
    await store.close();
  });

  it('waits twice the quiet that caused a restart, capped, and the first wait again after a long quiet', () => {
    const policy = { idleStopMs: 1000, maxIdleStopMs: 60_000 };
    expect(chooseIdleStop(5000, undefined, policy)).toBe(1000);
    // The thread waited 1 s and was restarted 0.3 s after it stopped: batches 1.3 s apart.
    expect(chooseIdleStop(1000, 300, policy)).toBe(2600);
    // Bursts 10 s apart: one restart sets a wait that outlasts the next gap (a doubling gave 3 s).
    expect(chooseIdleStop(1500, 8500, policy)).toBe(20_000);
    expect(chooseIdleStop(2000, 59_000, policy)).toBe(60_000);
    expect(chooseIdleStop(60_000, 10, policy)).toBe(60_000);
    expect(chooseIdleStop(60_000, 60_001, policy)).toBe(1000);
  });

  it('keeps a thread restarted right after its stop for twice the idle wait', async () => {
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: false, idleStopMs: 100, maxIdleStopMs: 10_000 });
    await thread.write([makeLogRow({ requestId: 'req_first' })]);
    await expect.poll(() => thread.isRunning(), { timeout: 5000, interval: 5 }).toBe(false);
    await thread.write([makeLogRow({ requestId: 'req_second' })]);
    const settled = performance.now();
    await expect.poll(() => thread.isRunning(), { timeout: 5000, interval: 5 }).toBe(false);
    // 200 ms now (a timer fires no earlier than asked); a fixed wait would have stopped it after 100.
    expect(performance.now() - settled).toBeGreaterThanOrEqual(195);
    await thread.close();
    expect((await store.requestLogs.list()).rows.map((row) => row.requestId).sort()).toEqual(['req_first', 'req_second']);
    await store.close();
  });

  it('is restarted once by batches a steady gap apart, not again at each doubling of its wait', async () => {
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: false, idleStopMs: 50, maxIdleStopMs: 10_000 });
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await thread.write([makeLogRow({ requestId: 'req_0' })]);
    await expect.poll(() => thread.isRunning(), { timeout: 5000, interval: 5 }).toBe(false);
    // Batches ~300 ms apart: the first gap restarts the thread and sets its wait to ≥ 2 × 300 ms, so
    // the next gaps find it running (a doubling gave 100 ms, then 200 ms: a restart at each gap).
    await pause(250);
    for (const index of [1, 2, 3]) {
      await thread.write([makeLogRow({ requestId: `req_${String(index)}` })]);
      await pause(300);
    }
    expect(thread.readStarts()).toBe(2);
    expect(thread.isRunning()).toBe(true);
    await thread.close();
    expect((await store.requestLogs.list()).rows).toHaveLength(4);
    await store.close();
  });

  it('keeps the order of batches written while it stops, and writes them all before close resolves', async () => {
    const file = await makeFile();
    const store = await openStore(`sqlite:${file}`);
    const thread = startLogThread({ path: file, readOnly: false, idleStopMs: 1 });
    await thread.write([makeLogRow({ requestId: 'req_0' })]);
    // The stop begins 1 ms after that batch; these come while it is under way (or just after).
    await new Promise((resolve) => setTimeout(resolve, 2));
    const writes = [1, 2, 3].map((index) => thread.write([makeLogRow({ requestId: `req_${String(index)}` })]));
    const closing = thread.close();
    await Promise.all(writes);
    await closing;
    await expect(thread.write([makeLogRow()])).rejects.toThrow(/request log thread stopped/);
    await store.close();
    // Committed in the order written: SQLite's rowids follow the inserts.
    using database = new DatabaseSync(file, { readOnly: true });
    expect(database.prepare('SELECT request_id FROM request_logs ORDER BY rowid').all().map((row) => row.request_id)).toEqual(['req_0', 'req_1', 'req_2', 'req_3']);
  });

  it('fails later writes once closed, rather than waiting forever', async () => {
    const file = await makeFile();
    const thread = startLogThread({ path: file, readOnly: false });
    await thread.close();
    await expect(thread.write([makeLogRow()])).rejects.toThrow(/request log thread stopped/);
  });
});
