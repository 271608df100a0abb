import { describe, expect, it } from 'vitest';
import { parseJsonText } from './parse-json-text.ts';

describe('parseJsonText', () => {
  it('says what is wrong with malformed JSON', () => {
    expect(() => parseJsonText('{"model": ')).toThrow(/not valid JSON/);
    expect(() => parseJsonText('')).toThrow(/empty/);
  });
});
