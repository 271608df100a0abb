// How a batch of log rows is laid out for the thread's INSERTs.
import { describe, expect, it } from 'vitest';
import { flattenLogRows, insertSql, logColumns, rowsPerInsert, splitIntoInserts } from './log-thread-messages.ts';
import type { RequestLogRow } from './ports.ts';
import { toLogTableRow } from './request-log-rows.ts';

describe('splitIntoInserts', () => {
  it('takes whole statements of rowsPerInsert rows first, then the rest one row per statement', () => {
    expect(rowsPerInsert).toBe(10);
    expect(splitIntoInserts(23)).toEqual([10, 10, 1, 1, 1]);
    expect(splitIntoInserts(200)).toEqual(Array.from({ length: 20 }, () => 10));
    expect(splitIntoInserts(1)).toEqual([1]);
    expect(splitIntoInserts(0)).toEqual([]);
  });

  it('covers every row of a batch exactly once', () => {
    for (let rows = 0; rows <= 205; rows += 1) expect(splitIntoInserts(rows).reduce((sum, run) => sum + run, 0)).toBe(rows);
  });
});

describe('insertSql', () => {
  it('binds one parameter per column of each row', () => {
    expect(insertSql(rowsPerInsert).split('?')).toHaveLength(rowsPerInsert * logColumns.length + 1);
    expect(insertSql(1)).toBe(`INSERT INTO request_logs (${logColumns.join(', ')}) VALUES (${logColumns.map(() => '?').join(', ')})`);
  });
});

describe('flattenLogRows', () => {
  const sparse: RequestLogRow = {
    time: 1_700_000_000_123.4,
    requestId: 'req_1',
    keyName: undefined,
    clientModel: 'gpt-x',
    clientStream: false,
    channel: undefined,
    upstreamModel: undefined,
    upstreamStream: undefined,
    adaptations: [],
    attempts: [],
    status: 502,
    errorCode: undefined,
    errorMessage: undefined,
    firstTokenMs: undefined,
    durationMs: 12.6,
    promptTokens: undefined,
    completionTokens: undefined,
    usageSource: undefined,
    clientIp: undefined,
    userAgent: undefined,
    answeredModel: undefined,
    overheadMs: undefined,
    capture: undefined,
    ingress: undefined,
  };
  const full: RequestLogRow = {
    ...sparse,
    requestId: 'req_2',
    keyName: 'team-a',
    clientStream: true,
    channel: 'openai',
    upstreamModel: 'gpt-x-2025',
    upstreamStream: false,
    adaptations: ['stream-collected'],
    attempts: [{ channel: 'openai', upstreamModel: 'gpt-x-2025', upstreamStream: false, status: 200, errorCode: undefined, durationMs: 8.5, countsAgainstChannel: false }],
    status: 200,
    errorCode: 'upstream_timeout',
    errorMessage: 'slow',
    firstTokenMs: 3.7,
    promptTokens: 12,
    completionTokens: 20,
    usageSource: 'upstream',
    clientIp: '10.0.0.1',
    userAgent: 'x'.repeat(300),
    answeredModel: 'gpt-x',
    overheadMs: 0.412,
    capture: '{"clientRequest":"…"}',
    ingress: 'chat',
    costUsd: 0.0021,
    cachedPromptTokens: 4,
    requestBytes: 180,
    responseBytes: 703,
  };

  it("lays out each row's values in logColumns order, as its table row holds them, NULL for what it lacks", () => {
    const values = flattenLogRows([full, sparse]);
    expect(values).toHaveLength(2 * logColumns.length);
    const expected = [full, sparse].flatMap((row) => {
      const tableRow = toLogTableRow(row) as Record<string, unknown>;
      return logColumns.map((column) => tableRow[column] ?? null);
    });
    expect(values).toEqual(expected);
    const second = values.slice(logColumns.length);
    expect(second[logColumns.indexOf('adaptations')]).toBe('[]');
    expect(second[logColumns.indexOf('key_name')]).toBeNull();
    expect(second[logColumns.indexOf('time')]).toBe(1_700_000_000_123);
    expect(values[logColumns.indexOf('user_agent')]).toHaveLength(256);
    expect(values[logColumns.indexOf('adaptations')]).toBe('["stream-collected"]');
  });

  it('fills every column of the table but its generated id', () => {
    expect(Object.keys(toLogTableRow(full)).sort()).toEqual([...logColumns].sort());
    expect(logColumns).not.toContain('id');
    expect(new Set(logColumns).size).toBe(logColumns.length);
  });
});
