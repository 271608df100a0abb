import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, InvalidCursorError } from './log-cursor.ts';

describe('log cursor', () => {
  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor({ time: 1_700_000_000_123, id: 42 }))).toEqual({ time: 1_700_000_000_123, id: 42 });
  });

  it('refuses text it did not make', () => {
    for (const cursor of ['', 'abc', Buffer.from('1.x').toString('base64url'), Buffer.from('-1.2').toString('base64url')]) {
      expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
    }
  });
});
