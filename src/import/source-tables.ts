// The rows of one-api's or new-api's `channels` and `tokens` tables, read from any of their databases
// (SQLite, PostgreSQL, a mysqldump file) as plain column → value records, and typed readers over them.
// Columns are looked up by name, so a version that added or dropped a column still reads.

export type SourceKind = 'one-api' | 'new-api';

export const sourceKinds: readonly SourceKind[] = ['one-api', 'new-api'];

export type CellValue = string | number | bigint | boolean | null | Uint8Array;

export type SourceRow = Readonly<Record<string, CellValue>>;

export interface SourceTables {
  channels: SourceRow[];
  tokens: SourceRow[];
}

/** The two tables the import reads; every other table of theirs is left alone. */
export const sourceTableNames = ['channels', 'tokens'] as const;

/** Text of a column; undefined when absent, NULL or blank. */
export function readText(row: SourceRow, column: string): string | undefined {
  const value = row[column];
  if (value === undefined || value === null) return undefined;
  const text = value instanceof Uint8Array ? new TextDecoder().decode(value) : String(value);
  return text.trim() === '' ? undefined : text;
}

/** A whole number; undefined when absent, NULL or not a number. */
export function readInteger(row: SourceRow, column: string): number | undefined {
  const value = row[column];
  if (value === undefined || value === null || value instanceof Uint8Array) return undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const number = typeof value === 'string' ? Number(value.trim()) : Number(value);
  return Number.isFinite(number) && value !== '' ? Math.trunc(number) : undefined;
}

/** GORM writes bools as 1/0 (SQLite, MySQL) or true/false (PostgreSQL). */
export function readFlag(row: SourceRow, column: string): boolean {
  const value = row[column];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value === '1' || value.toLowerCase() === 'true' || value.toLowerCase() === 't';
  return readInteger(row, column) === 1;
}

/** `a,b, c,` → [a, b, c]: their comma-separated lists, without blanks or repeats. */
export function splitList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return [...new Set(text.split(',').map((item) => item.trim()).filter((item) => item !== ''))];
}
