// The RequestLogStore half of the store suite.
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../../src/store/log-cursor.ts';
import { startLogRetention } from '../../../src/store/prune-request-logs.ts';
import type { RequestLogRow } from '../../../src/store/ports.ts';
import { makeLogRow } from './make-log-row.ts';
import type { SuiteContext } from './suite-context.ts';

const minute = 60_000;

export function describeRequestLogCases(context: SuiteContext): void {
  describe('request log', () => {
    it('reads a row back by request id with its attempts and adaptations', async () => {
      const { requestLogs } = context.store();
      const row = makeLogRow({ requestId: 'req_full' });
      const bare = makeLogRow({
        requestId: 'req_bare',
        keyName: undefined,
        channel: undefined,
        upstreamModel: undefined,
        upstreamStream: undefined,
        adaptations: [],
        attempts: [],
        status: 503,
        errorCode: 'no_channel_available',
        errorMessage: 'Every channel for "qwq" is unusable',
        firstTokenMs: undefined,
        promptTokens: undefined,
        completionTokens: undefined,
        usageSource: undefined,
        clientIp: undefined,
        userAgent: undefined,
        costUsd: undefined,
        cachedPromptTokens: undefined,
        requestBytes: undefined,
        responseBytes: undefined,
      });
      await requestLogs.append([row, bare]);
      expect(await requestLogs.get('req_full')).toStrictEqual(row);
      expect(await requestLogs.get('req_bare')).toStrictEqual(bare);
      expect(await requestLogs.get('req_missing')).toBeUndefined();
    });

    it('returns the latest row when a request id was logged twice', async () => {
      const { requestLogs } = context.store();
      await requestLogs.append([makeLogRow({ requestId: 'same', status: 502 })]);
      await requestLogs.append([makeLogRow({ requestId: 'same', status: 200 })]);
      expect((await requestLogs.get('same'))?.status).toBe(200);
    });

    it('writes a batch larger than one INSERT can carry', async () => {
      const { requestLogs } = context.store();
      const rows = Array.from({ length: 1201 }, (_, index) => makeLogRow({ requestId: `req_${index}`, time: 1000 + index }));
      await requestLogs.append(rows);
      await requestLogs.append([]);
      const page = await requestLogs.list({}, { limit: 500 });
      expect(page.rows[0]?.requestId).toBe('req_1200');
      expect((await requestLogs.get('req_0'))?.time).toBe(1000);
    });

    it('filters by time range, key, model, channel, status and errors only', async () => {
      const { requestLogs } = context.store();
      const base = context.now();
      await requestLogs.append([
        makeLogRow({ requestId: 'a', time: base, keyName: 'app', clientModel: 'gpt-4o', upstreamModel: 'gpt-4o-2024', channel: 'openai' }),
        makeLogRow({ requestId: 'b', time: base + minute, keyName: 'batch', channel: 'xai', status: 400, errorCode: 'upstream_rejected' }),
        makeLogRow({ requestId: 'c', time: base + 2 * minute, keyName: 'app', channel: 'xai', errorCode: 'upstream_stream_error' }),
        makeLogRow({ requestId: 'd', time: base + 3 * minute, keyName: undefined, channel: undefined, status: 503 }),
      ]);
      const ids = async (filter: Parameters<typeof requestLogs.list>[0]) => (await requestLogs.list(filter)).rows.map((row) => row.requestId);
      expect(await ids({})).toEqual(['d', 'c', 'b', 'a']);
      expect(await ids({ since: base + minute, until: base + 3 * minute })).toEqual(['c', 'b']);
      expect(await ids({ keyName: 'app' })).toEqual(['c', 'a']);
      expect(await ids({ model: 'gpt-4o' })).toEqual(['a']);
      expect(await ids({ model: 'gpt-4o-2024' })).toEqual(['a']);
      expect(await ids({ channel: 'xai' })).toEqual(['c', 'b']);
      expect(await ids({ status: 503 })).toEqual(['d']);
      expect(await ids({ errorsOnly: true })).toEqual(['d', 'c', 'b']);
      expect(await ids({ errorsOnly: true, keyName: 'app', since: undefined })).toEqual(['c']);
    });

    it('pages newest first with a cursor, without repeating rows that share a time', async () => {
      const { requestLogs } = context.store();
      const rows: RequestLogRow[] = [];
      for (let index = 0; index < 7; index += 1) rows.push(makeLogRow({ requestId: `r${index}`, time: 5000 + Math.floor(index / 3) }));
      await requestLogs.append(rows);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await requestLogs.list({ channel: 'dashscope' }, { limit: 2, cursor });
        seen.push(...page.rows.map((row) => row.requestId));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== undefined);
      expect(pages).toBe(4);
      expect(seen).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
      // A row logged after the first page was read does not shift the later pages.
      const first = await requestLogs.list({}, { limit: 3 });
      await requestLogs.append([makeLogRow({ requestId: 'late', time: 9999 })]);
      const second = await requestLogs.list({}, { limit: 3, cursor: first.nextCursor });
      expect(second.rows.map((row) => row.requestId)).toEqual(['r3', 'r2', 'r1']);
    });

    it('clamps the page size and refuses a cursor it did not issue', async () => {
      const { requestLogs } = context.store();
      await requestLogs.append(Array.from({ length: 60 }, (_, index) => makeLogRow({ requestId: `r${index}`, time: index })));
      expect((await requestLogs.list()).rows).toHaveLength(50);
      expect((await requestLogs.list({}, { limit: 0 })).rows).toHaveLength(1);
      await expect(requestLogs.list({}, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('summarizes a window per channel and model: requests, error rate, latency and first-token percentiles', async () => {
      const { requestLogs } = context.store();
      const since = context.now();
      const rows = Array.from({ length: 10 }, (_, index) =>
        makeLogRow({ requestId: `ok${index}`, time: since + index, channel: 'a', upstreamModel: 'm', durationMs: (index + 1) * 100, firstTokenMs: index + 1 }),
      );
      rows.push(
        makeLogRow({ requestId: 'bad', time: since, channel: 'a', upstreamModel: 'n', status: 502, errorCode: 'upstream_error', durationMs: 7, firstTokenMs: undefined }),
        makeLogRow({ requestId: 'broke', time: since, channel: 'a', upstreamModel: 'n', status: 200, errorCode: 'upstream_stream_error', durationMs: 9 }),
        makeLogRow({ requestId: 'none', time: since, channel: undefined, upstreamModel: undefined, clientModel: 'ghost', status: 503, durationMs: 1 }),
        makeLogRow({ requestId: 'old', time: since - 1, channel: 'a', upstreamModel: 'm', durationMs: 99_999 }),
      );
      await requestLogs.append(rows);
      context.advance(minute);
      const stats = await requestLogs.summarize({ since });
      expect(stats).toEqual([
        { channel: undefined, model: 'ghost', requests: 1, errors: 1, errorRate: 1, durationMs: { p50: 1, p95: 1, p99: 1 }, firstTokenMs: { p50: 300, p95: 300, p99: 300 } },
        { channel: 'a', model: 'm', requests: 10, errors: 0, errorRate: 0, durationMs: { p50: 500, p95: 1000, p99: 1000 }, firstTokenMs: { p50: 5, p95: 10, p99: 10 } },
        { channel: 'a', model: 'n', requests: 2, errors: 2, errorRate: 1, durationMs: { p50: 7, p95: 9, p99: 9 }, firstTokenMs: { p50: 300, p95: 300, p99: 300 } },
      ]);
      expect(await requestLogs.summarize({ since, until: since + 5 })).toEqual([
        expect.objectContaining({ channel: undefined }),
        expect.objectContaining({ channel: 'a', model: 'm', requests: 5 }),
        expect.objectContaining({ channel: 'a', model: 'n', requests: 2 }),
      ]);
      expect(await requestLogs.summarize({ since: since + minute })).toEqual([]);
    });

    it('gives a time series of a window: requests and errors per span, oldest first', async () => {
      const { requestLogs } = context.store();
      const since = context.now();
      await requestLogs.append([
        makeLogRow({ requestId: 'a', time: since, durationMs: 10 }),
        makeLogRow({ requestId: 'b', time: since + 1, status: 502, errorCode: 'upstream_error', durationMs: 30 }),
        makeLogRow({ requestId: 'c', time: since + 35 }),
      ]);
      const series = await requestLogs.timeline({ since, until: since + 40 }, 4);
      expect(series.map((bucket) => [bucket.start - since, bucket.requests, bucket.errors])).toEqual([
        [0, 2, 1],
        [10, 0, 0],
        [20, 0, 0],
        [30, 1, 0],
      ]);
      expect(series[0]?.durationMs).toEqual({ p50: 10, p95: 30, p99: 30 });
      expect(series[0]?.overheadMs).toEqual({ p50: 0.25, p95: 0.25, p99: 0.25 });
    });

    it('prunes in batches: rows past log retention deleted, captures past capture retention nulled out', async () => {
      const { requestLogs } = context.store();
      const day = 86_400_000;
      const now = context.now();
      const rows = [
        ...Array.from({ length: 7 }, (_, index) => makeLogRow({ requestId: `old${index}`, time: now - 31 * day + index })),
        ...Array.from({ length: 5 }, (_, index) => makeLogRow({ requestId: `week${index}`, time: now - 8 * day + index })),
        makeLogRow({ requestId: 'fresh', time: now - day }),
      ];
      await requestLogs.append(rows);
      const cut = { logsBefore: now - 30 * day, capturesBefore: now - 7 * day, batchRows: 3 };
      expect(await requestLogs.prune(cut)).toEqual({ deletedRows: 3, clearedCaptures: 3 });
      expect(await requestLogs.prune(cut)).toEqual({ deletedRows: 3, clearedCaptures: 2 });
      expect(await requestLogs.prune(cut)).toEqual({ deletedRows: 1, clearedCaptures: 0 });
      expect(await requestLogs.prune(cut)).toEqual({ deletedRows: 0, clearedCaptures: 0 });
      const left = await requestLogs.list({}, { limit: 100 });
      expect(left.rows.map((row) => row.requestId).sort()).toEqual(['fresh', 'week0', 'week1', 'week2', 'week3', 'week4']);
      expect(left.rows.filter((row) => row.capture !== undefined).map((row) => row.requestId)).toEqual(['fresh']);
    });

    it('prunes the quota ledger by the log retention in the same passes', async () => {
      const store = context.store();
      const day = 86_400_000;
      const { record } = await store.keys.create({ name: 'app', quotaTokens: 1000 });
      const old = Array.from({ length: 7 }, (_, index) => ({ requestId: `old${String(index)}`, keyId: record.id, tokens: 1, settledAt: context.now() - 31 * day + index }));
      await store.quotaLedger.record([...old, { requestId: 'fresh', keyId: record.id, tokens: 1, settledAt: context.now() - day }]);
      const retention = startLogRetention(store.requestLogs, { logDays: 30, captureDays: 7 }, { now: () => context.now(), schedule: { intervalMs: 3_600_000, batchRows: 5 }, onError: () => undefined, ledger: store.quotaLedger });
      try {
        expect(await retention.runOnce()).toEqual({ deletedRows: 0, clearedCaptures: 0, deletedCharges: 7 });
        // The one kept is still there: written again, it charges nothing.
        expect(await store.quotaLedger.record([{ requestId: 'fresh', keyId: record.id, tokens: 1, settledAt: context.now() - day }])).toBe(0);
      } finally {
        await retention.stop();
      }
    });

    it('runs retention passes until nothing is due', async () => {
      const { requestLogs } = context.store();
      const day = 86_400_000;
      await requestLogs.append(Array.from({ length: 12 }, (_, index) => makeLogRow({ requestId: `old${index}`, time: context.now() - 40 * day + index })));
      const retention = startLogRetention(requestLogs, { logDays: 30, captureDays: 7 }, { now: () => context.now(), schedule: { intervalMs: 3_600_000, batchRows: 5 }, onError: () => undefined });
      try {
        const pass = await retention.runOnce();
        expect(pass.deletedRows).toBe(12);
        expect((await requestLogs.list()).rows).toEqual([]);
      } finally {
        await retention.stop();
      }
    });
  });
}
