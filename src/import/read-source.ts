// `--from` → their two tables: a SQLite file (node:sqlite, read-only), a PostgreSQL URL (pg), or a
// mysqldump file. A mysql:// URL is refused with how to make the dump: no MySQL client is bundled,
// and a dump is what MySQL users hand over anyway.

import { open } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import type { ImportPolicy } from './import-policy.ts';
import { readMysqlDump } from './read-mysql-dump.ts';
import { sourceTableNames, type CellValue, type SourceRow, type SourceTables } from './source-tables.ts';

export class SourceError extends Error {}

export const mysqlUrlAdvice = [
  'Sluice reads MySQL through a dump file: no MySQL client is bundled. Export the two tables, then import the file:',
  '  mysqldump --single-transaction --hex-blob -h HOST -u USER -p DATABASE channels tokens > one-api.sql',
  '  sluice import one-api --from one-api.sql',
].join('\n');

const sqliteHeader = 'SQLite format 3\0';

/** A mysql:// URL is refused at once, before anything else is checked. */
export function refuseMysqlUrl(from: string): void {
  if (/^(mysql|mariadb)(\+\w+)?:\/\//i.test(from)) throw new SourceError(mysqlUrlAdvice);
}

export async function readSource(from: string, policy: ImportPolicy): Promise<SourceTables> {
  refuseMysqlUrl(from);
  if (/^postgres(ql)?:\/\//i.test(from)) return readPostgres(from, policy);
  const path = from.replace(/^sqlite:(\/\/)?/, '');
  if (await startsWith(path, sqliteHeader)) return readSqlite(path, policy);
  return readMysqlDump(path, policy);
}

async function startsWith(path: string, header: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new SourceError(`cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    const buffer = Buffer.alloc(header.length);
    const { bytesRead } = await file.read(buffer, 0, header.length, 0);
    return bytesRead === header.length && buffer.toString('latin1') === header;
  } finally {
    await file.close();
  }
}

function readSqlite(path: string, policy: ImportPolicy): SourceTables {
  using database = new DatabaseSync(path, { readOnly: true });
  const read = (table: string): SourceRow[] => {
    const exists = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
    if (exists === undefined) return missingTable(table, path);
    const rows = database.prepare(`SELECT * FROM "${table}" ORDER BY id LIMIT ?`).all(policy.maxRows + 1) as SourceRow[];
    return checkRowCount(rows, table, policy);
  };
  return { channels: read('channels'), tokens: read('tokens') };
}

async function readPostgres(url: string, policy: ImportPolicy): Promise<SourceTables> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    // The URL is not echoed: it may hold a password.
    throw new SourceError(`cannot connect to the PostgreSQL database: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    const tables: Partial<SourceTables> = {};
    for (const table of sourceTableNames) {
      const exists = await client.query('SELECT to_regclass($1) AS found', [table]);
      if ((exists.rows[0] as { found: unknown } | undefined)?.found == null) return missingTable(table, 'the PostgreSQL database');
      const result = await client.query(`SELECT * FROM ${client.escapeIdentifier(table)} ORDER BY id LIMIT $1`, [policy.maxRows + 1]);
      tables[table] = checkRowCount((result.rows as Array<Record<string, unknown>>).map(toSourceRow), table, policy);
    }
    return { channels: tables.channels ?? [], tokens: tables.tokens ?? [] };
  } finally {
    await client.end();
  }
}

/** pg gives json columns as objects and timestamps as Dates: back to text, as the other sources have them. */
function toSourceRow(row: Record<string, unknown>): SourceRow {
  const cells: Record<string, CellValue> = {};
  for (const [column, value] of Object.entries(row)) {
    if (value === null || value === undefined) cells[column] = null;
    else if (value instanceof Date) cells[column] = value.toISOString();
    else if (value instanceof Uint8Array || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') cells[column] = value;
    else cells[column] = JSON.stringify(value);
  }
  return cells;
}

function missingTable(table: string, where: string): never {
  throw new SourceError(`${where} has no ${table} table: is it the one-api/new-api database?`);
}

function checkRowCount(rows: SourceRow[], table: string, policy: ImportPolicy): SourceRow[] {
  if (rows.length > policy.maxRows) throw new SourceError(`more than ${String(policy.maxRows)} rows in ${table}: the import reads at most that many`);
  return rows;
}
