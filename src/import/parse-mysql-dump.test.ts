import { describe, expect, it } from 'vitest';
import { DumpSyntaxError, parseInsertStatement, readColumnName, readCreateTableName } from './parse-mysql-dump.ts';

describe('parseInsertStatement', () => {
  it("reads MySQL's string escapes, doubled quotes, NULL, numbers, hex and bits", () => {
    const rows = parseInsertStatement(String.raw`INSERT INTO ` + "`t`" + String.raw` VALUES (1,'a\'b''c\\d\ne\tf\0\Z\%\_\"',NULL,-2.5,0x6869,_binary 'x',b'1'),(2,'',TRUE,12345678901234567890,X'',_utf8mb4'é',b'0');`, ['id', 's', 'n', 'f', 'h', 'i', 'b']);
    expect(rows).toEqual([
      { id: 1, s: "a'b'c\\d\ne\tf\0\x1a\\%\\_\"", n: null, f: -2.5, h: Uint8Array.from([0x68, 0x69]), i: 'x', b: 1 },
      { id: 2, s: '', n: 1, f: '12345678901234567890', h: new Uint8Array(), i: 'é', b: 0 },
    ]);
  });

  it('takes the column list of a --complete-insert statement over the CREATE TABLE order', () => {
    expect(parseInsertStatement("INSERT INTO `t` (`b`, `a`) VALUES ('x',1);", ['a', 'b'])).toEqual([{ b: 'x', a: 1 }]);
  });

  it('says a statement is unfinished when a string or a row runs past the end of the text', () => {
    expect(parseInsertStatement("INSERT INTO `t` VALUES (1,'line one", ['a', 'b'])).toBeUndefined();
    expect(parseInsertStatement("INSERT INTO `t` VALUES (1,'a;'),(2,", ['a', 'b'])).toBeUndefined();
    expect(parseInsertStatement("INSERT INTO `t` VALUES (1,'line one\nline two');", ['a', 'b'])).toEqual([{ a: 1, b: 'line one\nline two' }]);
  });

  it('refuses rows that do not fit the columns and values it does not know', () => {
    expect(() => parseInsertStatement("INSERT INTO `t` VALUES (1,'a',3);", ['a', 'b'])).toThrow(DumpSyntaxError);
    expect(() => parseInsertStatement('INSERT INTO `t` VALUES (NOW());', ['a'])).toThrow(/unexpected value/);
    expect(() => parseInsertStatement('INSERT INTO `t` VALUES (1);', undefined)).toThrow(/CREATE TABLE/);
  });
});

describe('the CREATE TABLE lines', () => {
  it('names the table and its columns, not its keys', () => {
    expect(readCreateTableName('CREATE TABLE `channels` (')).toBe('channels');
    expect(readColumnName('  `base_url` varchar(191) DEFAULT \'\',')).toBe('base_url');
    expect(readColumnName('  PRIMARY KEY (`id`),')).toBeUndefined();
    expect(readColumnName('  KEY `idx_channels_name` (`name`)')).toBeUndefined();
  });
});
