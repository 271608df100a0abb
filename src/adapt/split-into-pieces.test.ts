import { describe, expect, it } from 'vitest';
import { splitIntoPieces } from './split-into-pieces.ts';

describe('splitIntoPieces', () => {
  it('gives no pieces for empty text', () => {
    expect(splitIntoPieces('', 8)).toEqual([]);
  });

  it('keeps short text in one piece', () => {
    expect(splitIntoPieces('Hello', 8)).toEqual(['Hello']);
  });

  it('ends pieces after a space when one lies in the second half', () => {
    expect(splitIntoPieces('The quick brown fox jumps over', 12)).toEqual(['The quick ', 'brown fox ', 'jumps over']);
  });

  it('cuts at the size limit when a word is longer than a piece', () => {
    expect(splitIntoPieces('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('never splits a surrogate pair', () => {
    const text = 'ab😀cd😀😀e';
    for (const size of [1, 2, 3, 4]) {
      const pieces = splitIntoPieces(text, size);
      expect(pieces.join('')).toBe(text);
      for (const piece of pieces) expect(piece.isWellFormed()).toBe(true);
    }
  });

  it('reassembles to exactly the original text, whitespace and line breaks included', () => {
    const text = 'Line one\r\n\n  indented\ttab and a long‑word‑without‑spaces-here. 中文没有空格的句子也要正确切分。';
    for (const size of [1, 3, 7, 24, 100]) {
      const pieces = splitIntoPieces(text, size);
      expect(pieces.join('')).toBe(text);
      for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(size);
    }
  });
});
