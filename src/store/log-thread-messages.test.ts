// How a batch of log rows is laid out for the thread's INSERTs.
import { describe, expect, it } from 'vitest';
import { insertSql, logColumns, rowsPerInsert, splitIntoInserts } from './log-thread-messages.ts';

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
