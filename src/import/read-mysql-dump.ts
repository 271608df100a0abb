// A mysqldump file → the rows of `channels` and `tokens`, read line by line (their `logs` table can
// make the file gigabytes: its lines are skipped unparsed). Bounded by the policy: the file's size,
// one statement's length, the rows per table.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ImportPolicy } from './import-policy.ts';
import { DumpSyntaxError, parseInsertStatement, readColumnName, readCreateTableName, readInsertTableName } from './parse-mysql-dump.ts';
import { sourceTableNames, type SourceRow, type SourceTables } from './source-tables.ts';

type TableName = (typeof sourceTableNames)[number];

function isSourceTable(name: string | undefined): name is TableName {
  return (sourceTableNames as readonly string[]).includes(name ?? '');
}

export async function readMysqlDump(path: string, policy: ImportPolicy): Promise<SourceTables> {
  const size = (await stat(path)).size;
  if (size > policy.maxDumpBytes) throw new Error(`${path} is ${String(size)} bytes, over the import's limit of ${String(policy.maxDumpBytes)}: dump only the two tables (mysqldump <database> channels tokens)`);
  const tables: SourceTables = { channels: [], tokens: [] };
  const columns = new Map<TableName, string[]>();
  let creating: { table: TableName; columns: string[] } | undefined;
  let pending: { table: TableName; text: string; line: number } | undefined;
  let lineNumber = 0;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber += 1;
    if (creating !== undefined) {
      if (/^\s*\)/.test(line)) {
        columns.set(creating.table, creating.columns);
        creating = undefined;
      } else {
        const column = readColumnName(line);
        if (column !== undefined) creating.columns.push(column);
      }
      continue;
    }
    if (pending === undefined) {
      const created = readCreateTableName(line);
      if (isSourceTable(created)) {
        creating = { table: created, columns: [] };
        continue;
      }
      const inserted = readInsertTableName(line);
      if (!isSourceTable(inserted)) continue;
      pending = { table: inserted, text: line, line: lineNumber };
    } else {
      pending.text += `\n${line}`;
    }
    if (pending.text.length > policy.maxStatementBytes) throw new Error(`${path}:${String(pending.line)}: an INSERT into ${pending.table} longer than ${String(policy.maxStatementBytes)} bytes`);
    if (!pending.text.trimEnd().endsWith(';')) continue;
    let rows: SourceRow[] | undefined;
    try {
      rows = parseInsertStatement(pending.text, columns.get(pending.table));
    } catch (error) {
      if (error instanceof DumpSyntaxError) throw new Error(`${path}:${String(pending.line)}: ${error.message}`, { cause: error });
      throw error;
    }
    if (rows === undefined) continue;
    tables[pending.table].push(...rows);
    if (tables[pending.table].length > policy.maxRows) throw new Error(`${path}: more than ${String(policy.maxRows)} rows in ${pending.table}`);
    pending = undefined;
  }
  if (pending !== undefined) throw new Error(`${path}:${String(pending.line)}: the INSERT into ${pending.table} does not end`);
  if (!columns.has('channels') && tables.channels.length === 0) throw new Error(`${path} has no channels table: is it a mysqldump of the one-api/new-api database?`);
  return tables;
}
