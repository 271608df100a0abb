// Cursor pagination over the request log: a page ends at a row; the next page starts after it in
// (time, id) order, so rows written meanwhile neither repeat nor shift the pages.

export interface LogPosition {
  time: number;
  id: number;
}

export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`Not a cursor this store issued: "${cursor.slice(0, 64)}". Pass the nextCursor of the previous page.`);
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(position: LogPosition): string {
  return Buffer.from(`${position.time}.${position.id}`, 'utf8').toString('base64url');
}

/** Throws InvalidCursorError on anything encodeCursor did not make. */
export function decodeCursor(cursor: string): LogPosition {
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const time = Number(match?.[1]);
  const id = Number(match?.[2]);
  if (match === null || !Number.isSafeInteger(time) || !Number.isSafeInteger(id)) throw new InvalidCursorError(cursor);
  return { time, id };
}
