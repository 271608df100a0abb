import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogWriter } from './log-writer.ts';
import { openStore } from './open-store.ts';
import type { RequestLogRow } from './ports.ts';
import { makeLogRow } from '../../test/store/suite/make-log-row.ts';

/** A sink that records each batch, and can be held so writes pile up. */
function createArraySink() {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let held: Promise<void> | undefined;
  return {
    batches,
    hold() {
      held = new Promise((resolve) => (release = resolve));
    },
    release() {
      release?.();
      held = undefined;
    },
    write: async (rows: number[]) => {
      batches.push([...rows]);
      await held;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createLogWriter', () => {
  it('writes a batch as soon as batchSize rows wait, never inside append()', async () => {
    vi.useFakeTimers();
    const sink = createArraySink();
    const writer = createLogWriter(sink.write, { batchSize: 3, flushIntervalMs: 10_000 });
    for (const row of [1, 2, 3]) writer.append(row);
    expect(sink.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([[1, 2, 3]]);
    expect(writer.readCounts()).toEqual({ queued: 0, written: 3, dropped: 0, failed: 0 });
  });

  it('writes a partial batch flushIntervalMs after its first row', async () => {
    vi.useFakeTimers();
    const sink = createArraySink();
    const writer = createLogWriter(sink.write, { batchSize: 100, flushIntervalMs: 500 });
    writer.append(1);
    await vi.advanceTimersByTimeAsync(300);
    writer.append(2);
    await vi.advanceTimersByTimeAsync(199);
    expect(sink.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches).toEqual([[1, 2]]);
  });

  it('drops and counts rows past maxQueued while the sink is slow, and writes the rest later', async () => {
    const sink = createArraySink();
    sink.hold();
    const writer = createLogWriter(sink.write, { batchSize: 2, flushIntervalMs: 5, maxQueued: 4 });
    writer.append(1);
    writer.append(2);
    await vi.waitFor(() => {
      expect(sink.batches).toEqual([[1, 2]]);
    });
    for (const row of [3, 4, 5, 6, 7, 8]) writer.append(row);
    expect(writer.readCounts()).toEqual({ queued: 4, written: 0, dropped: 2, failed: 0 });
    sink.release();
    await writer.flush();
    expect(sink.batches).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(writer.readCounts()).toEqual({ queued: 0, written: 6, dropped: 2, failed: 0 });
  });

  it('counts a refused batch as failed, reports it, and goes on writing', async () => {
    const errors: Array<[unknown, number]> = [];
    let calls = 0;
    const written: number[] = [];
    const writer = createLogWriter<number>(
      async (rows) => {
        calls += 1;
        if (calls === 1) throw new Error('database is locked');
        written.push(...rows);
        await Promise.resolve();
      },
      { batchSize: 2, onError: (error, lost) => errors.push([error, lost]) },
    );
    for (const row of [1, 2, 3]) writer.append(row);
    await writer.flush();
    expect(written).toEqual([3]);
    expect(errors).toEqual([[new Error('database is locked'), 2]]);
    expect(writer.readCounts()).toEqual({ queued: 0, written: 1, dropped: 0, failed: 2 });
  });

  it('flushes everything at close and drops rows appended after it', async () => {
    const sink = createArraySink();
    const writer = createLogWriter(sink.write, { batchSize: 2, flushIntervalMs: 60_000 });
    for (const row of [1, 2, 3, 4, 5]) writer.append(row);
    await writer.close();
    expect(sink.batches.flat()).toEqual([1, 2, 3, 4, 5]);
    writer.append(6);
    await writer.flush();
    expect(writer.readCounts()).toEqual({ queued: 0, written: 5, dropped: 1, failed: 0 });
  });

  it('writes rows appended while a batch is being written', async () => {
    const sink = createArraySink();
    sink.hold();
    const writer = createLogWriter(sink.write, { batchSize: 1, flushIntervalMs: 60_000 });
    writer.append(1);
    await vi.waitFor(() => {
      expect(sink.batches).toHaveLength(1);
    });
    writer.append(2);
    sink.release();
    await vi.waitFor(() => {
      expect(sink.batches).toEqual([[1], [2]]);
    });
  });

  it('keeps a partial batch appended during a write for a full batch or its interval, not the next write at once', async () => {
    vi.useFakeTimers();
    const sink = createArraySink();
    sink.hold();
    const writer = createLogWriter(sink.write, { batchSize: 3, flushIntervalMs: 1000 });
    for (const row of [1, 2, 3]) writer.append(row);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([[1, 2, 3]]);
    writer.append(4);
    sink.release();
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.batches).toEqual([[1, 2, 3]]);
    for (const row of [5, 6]) writer.append(row);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([[1, 2, 3], [4, 5, 6]]);
    writer.append(7);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sink.batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('writes only whole batches when one filled with rows to spare: the rest wait for the next batch or their interval', async () => {
    vi.useFakeTimers();
    const sink = createArraySink();
    const writer = createLogWriter(sink.write, { batchSize: 3, flushIntervalMs: 1000 });
    // Appended before the drain the third row scheduled has begun, as requests finishing in one turn of the loop do.
    for (const row of [1, 2, 3, 4, 5, 6, 7]) writer.append(row);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(writer.readCounts()).toEqual({ queued: 1, written: 6, dropped: 0, failed: 0 });
    for (const row of [8, 9]) writer.append(row);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches.at(-1)).toEqual([7, 8, 9]);
    writer.append(10);
    await vi.advanceTimersByTimeAsync(999);
    expect(writer.readCounts().queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches.at(-1)).toEqual([10]);
    expect(writer.readCounts()).toEqual({ queued: 0, written: 10, dropped: 0, failed: 0 });
  });

  describe('with a SQLite store as the sink', () => {
    const folders: string[] = [];
    afterEach(async () => {
      await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
    });

    it('lands every appended row in the request log', async () => {
      const folder = await mkdtemp(join(tmpdir(), 'sluice-writer-'));
      folders.push(folder);
      const store = await openStore(`sqlite:${join(folder, 'sluice.db')}`);
      const writer = createLogWriter<RequestLogRow>((rows) => store.requestLogs.append(rows), { batchSize: 100, flushIntervalMs: 20 });
      for (let index = 0; index < 1000; index += 1) writer.append(makeLogRow({ requestId: `req_${index}`, time: index }));
      await writer.close();
      await store.close();
      const reopened = await openStore(`sqlite:${join(folder, 'sluice.db')}`);
      const page = await reopened.requestLogs.list({ since: 0 }, { limit: 500 });
      expect(page.rows[0]?.requestId).toBe('req_999');
      expect((await reopened.requestLogs.list({ until: 500 }, { limit: 500 })).rows).toHaveLength(500);
      expect((await reopened.requestLogs.get('req_0'))?.attempts).toHaveLength(2);
      expect(writer.readCounts()).toEqual({ queued: 0, written: 1000, dropped: 0, failed: 0 });
      await reopened.close();
    });
  });
});
