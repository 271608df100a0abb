// The two tables' rows out of a mysqldump file's statements. mysqldump writes, per table, a
// `CREATE TABLE \`name\` (…)` with one column per line, then `INSERT INTO \`name\` VALUES (…),(…);`
// (with `--complete-insert`, a column list before VALUES). Values are NULL, numbers, 0x… hex
// (`--hex-blob`), b'…' bits and '…' strings with MySQL's escapes
// (https://dev.mysql.com/doc/refman/8.4/en/string-literals.html): \0 \' \" \b \n \r \t \Z \\, and
// \% \_ kept with their backslash; a quote may also be doubled. Charset introducers (_binary,
// _utf8mb4) before a string are skipped.

import type { CellValue, SourceRow } from './source-tables.ts';

export class DumpSyntaxError extends Error {}

/** `CREATE TABLE \`t\` (` opening line → t; the column lines follow. */
export function readCreateTableName(line: string): string | undefined {
  return /^CREATE TABLE (?:IF NOT EXISTS )?`([^`]+)`\s*\(/i.exec(line)?.[1];
}

/** A column line of a CREATE TABLE (`  \`name\` type …,`) → name; keys and constraints → undefined. */
export function readColumnName(line: string): string | undefined {
  return /^\s*`([^`]+)`\s/.exec(line)?.[1];
}

/** `INSERT INTO \`t\`` at the start of a statement → t. */
export function readInsertTableName(text: string): string | undefined {
  return /^INSERT\s+(?:IGNORE\s+)?INTO\s+`([^`]+)`/i.exec(text)?.[1];
}

const escapes: Readonly<Record<string, string>> = { '0': '\0', "'": "'", '"': '"', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '\\': '\\', '%': '\\%', _: '\\_' };

/**
 * One INSERT statement → rows as column → value. `columns` are the CREATE TABLE's, used when the
 * statement has no column list. Returns undefined when the text stops inside a string or a tuple
 * (the statement goes on on the next line).
 */
export function parseInsertStatement(text: string, columns: readonly string[] | undefined): SourceRow[] | undefined {
  const parser = new ValueParser(text);
  const head = /^INSERT\s+(?:IGNORE\s+)?INTO\s+`[^`]+`\s*/i.exec(text);
  if (head === null) throw new DumpSyntaxError('not an INSERT statement');
  parser.position = head[0].length;
  let names = columns;
  if (parser.peek() === '(') names = parser.readColumnList();
  if (!parser.readKeyword('VALUES')) throw new DumpSyntaxError('expected VALUES');
  if (names === undefined) throw new DumpSyntaxError('an INSERT without a column list before its table\'s CREATE TABLE');
  const rows: SourceRow[] = [];
  for (;;) {
    const tuple = parser.readTuple();
    if (tuple === undefined) return undefined;
    if (tuple.length !== names.length) throw new DumpSyntaxError(`a row of ${String(tuple.length)} values for ${String(names.length)} columns`);
    rows.push(Object.fromEntries(names.map((name, index) => [name, tuple[index] ?? null])));
    parser.skipSpace();
    const next = parser.take();
    if (next === ',') continue;
    if (next === ';' || next === undefined) return rows;
    throw new DumpSyntaxError(`unexpected "${next}" after a row`);
  }
}

class ValueParser {
  position = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.text[this.position];
  }

  take(): string | undefined {
    const character = this.text[this.position];
    if (character !== undefined) this.position += 1;
    return character;
  }

  skipSpace(): void {
    while (/\s/.test(this.text[this.position] ?? '')) this.position += 1;
  }

  readKeyword(word: string): boolean {
    this.skipSpace();
    if (this.text.slice(this.position, this.position + word.length).toUpperCase() !== word) return false;
    this.position += word.length;
    return true;
  }

  readColumnList(): string[] {
    const close = this.text.indexOf(')', this.position);
    if (close === -1) throw new DumpSyntaxError('unterminated column list');
    const list = this.text.slice(this.position + 1, close);
    this.position = close + 1;
    return list.split(',').map((name) => name.trim().replace(/^`|`$/g, ''));
  }

  /** `(v, v, …)`; undefined when the text ends first. */
  readTuple(): CellValue[] | undefined {
    const open = this.peek();
    if (open === undefined) return undefined;
    if (this.take() !== '(') throw new DumpSyntaxError('expected "(" before a row');
    const values: CellValue[] = [];
    for (;;) {
      const value = this.readValue();
      if (value === incomplete) return undefined;
      values.push(value);
      this.skipSpace();
      const next = this.take();
      if (next === undefined) return undefined;
      if (next === ')') return values;
      if (next !== ',') throw new DumpSyntaxError(`unexpected "${next}" in a row`);
    }
  }

  readValue(): CellValue | typeof incomplete {
    const first = this.peek();
    if (first === undefined) return incomplete;
    if (first === "'") return this.readString();
    if (this.match(introducerPattern) !== undefined) return this.readString();
    const hex = this.match(hexPattern);
    if (hex !== undefined) return Uint8Array.from(Buffer.from(hex[1] ?? hex[2] ?? '', 'hex'));
    const bits = this.match(bitsPattern);
    if (bits !== undefined) return bits[1] === '' ? 0 : Number.parseInt(bits[1] ?? '0', 2);
    const word = this.match(wordPattern)?.[0];
    if (word === undefined) {
      const rest = this.text.slice(this.position, this.position + 20);
      if (rest.trim() === '') return incomplete;
      throw new DumpSyntaxError(`unexpected value starting "${rest}"`);
    }
    const upper = word.toUpperCase();
    if (upper === 'NULL') return null;
    if (upper === 'TRUE' || upper === 'FALSE') return upper === 'TRUE' ? 1 : 0;
    // Numbers stay text beyond 2^53 (bigint ids and quotas read exactly).
    const number = Number(word);
    return Number.isSafeInteger(number) || !/^-?\d+$/.test(word) ? number : word;
  }

  /** A sticky pattern at the current position: consumed and returned when it matches. */
  private match(pattern: RegExp): RegExpExecArray | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text);
    if (found === null) return undefined;
    this.position = pattern.lastIndex;
    return found;
  }

  readString(): string | typeof incomplete {
    this.position += 1;
    let value = '';
    for (;;) {
      specialPattern.lastIndex = this.position;
      const stop = specialPattern.exec(this.text)?.index;
      if (stop === undefined) return incomplete;
      value += this.text.slice(this.position, stop);
      this.position = stop;
      if (this.text[stop] === '\\') {
        const escaped = this.text[stop + 1];
        if (escaped === undefined) return incomplete;
        value += escapes[escaped] ?? escaped;
        this.position += 2;
      } else if (this.text[stop + 1] === "'") {
        value += "'";
        this.position += 2;
      } else {
        this.position += 1;
        return value;
      }
    }
  }
}

const introducerPattern = /_[A-Za-z0-9]+\s*(?=')/y;
const hexPattern = /0x([0-9A-Fa-f]*)|[Xx]'([0-9A-Fa-f]*)'/y;
const bitsPattern = /[Bb]'([01]*)'/y;
const wordPattern = /NULL|TRUE|FALSE|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/iy;
const specialPattern = /['\\]/g;

const incomplete = Symbol('incomplete');
