// The log thread's batch layout: every column of toLogTableRow, in logColumns order, with the same
// values, NULLs and texts (any UTF-16, lengths in code units), row after row.
import { describe, expect, it } from 'vitest';
import type { SQLInputValue } from 'node:sqlite';
import { makeLogRow } from '../../test/store/suite/make-log-row.ts';
import { decodeLogRows, encodeLogRows, logColumns } from './encode-log-rows.ts';
import type { RequestLogRow } from './ports.ts';
import { toLogTableRow } from './request-log-rows.ts';

const full = makeLogRow({ requestId: 'req_full', errorCode: 'upstream_error', errorMessage: 'said "no" — ünïcode 🙂, a lone \ud800 too', userAgent: 'ü'.repeat(300), overheadMs: 0.125, time: 1_700_000_000_000.6, firstTokenMs: 12.5 });
const bare = makeLogRow({
  requestId: 'req_bare', keyName: undefined, channel: undefined, upstreamModel: undefined, upstreamStream: undefined, adaptations: [], attempts: [], errorCode: undefined,
  errorMessage: undefined, firstTokenMs: undefined, promptTokens: undefined, completionTokens: undefined, usageSource: undefined, clientIp: undefined, userAgent: undefined,
  answeredModel: undefined, overheadMs: undefined, capture: undefined, ingress: undefined, costUsd: undefined, cachedPromptTokens: undefined, requestBytes: undefined, responseBytes: undefined,
});
const empty = makeLogRow({ requestId: '', clientModel: '', errorMessage: '', capture: '', clientStream: true, upstreamStream: false, promptTokens: 0 });

function decoded(rows: RequestLogRow[]): SQLInputValue[][] {
  const out: SQLInputValue[][] = [];
  decodeLogRows(structuredClone(encodeLogRows(rows)), (values) => out.push([...values]));
  return out;
}

describe('encodeLogRows', () => {
  it('names every column toLogTableRow fills, once each', () => {
    expect([...logColumns].sort()).toEqual(Object.keys(toLogTableRow(full)).sort());
  });

  it('gives back every column of every row as toLogTableRow has it, NULLs included', () => {
    const rows = [full, bare, empty, full];
    const expected = rows.map((row) => {
      const tableRow = toLogTableRow(row) as Record<string, SQLInputValue | undefined>;
      return logColumns.map((column) => tableRow[column] ?? null);
    });
    expect(decoded(rows)).toEqual(expected);
    expect(expected[1]?.filter((value) => value === null)).toHaveLength(20);
  });

  it('carries no row for an empty batch', () => {
    expect(decoded([])).toEqual([]);
  });
});
