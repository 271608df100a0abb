import { describe, it, expect } from 'vitest';
import { decodeStreamText } from './decode-stream.ts';
import { DONE_FRAME, KEEPALIVE_FRAME, encodeDataEvent } from './encode-event.ts';

describe('encodeDataEvent', () => {
  it('writes one data line with the JSON and a blank line', () => {
    expect(encodeDataEvent({ a: 1, b: 'x' })).toBe('data: {"a":1,"b":"x"}\n\n');
  });

  it('keeps the frame on one line when strings hold CR, LF, NEL, U+2028 or U+2029', () => {
    const value = { content: 'one\ntwo\rthree\r\nfour\u0085five\u2028six\u2029seven' };
    const frame = encodeDataEvent(value);
    expect(frame.slice(0, -2)).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(JSON.parse(frame.slice('data: '.length))).toEqual(value);
  });

  it('round-trips through the decoder', () => {
    const value = { choices: [{ delta: { content: 'héllo 😀 \u2028' } }] };
    expect(decodeStreamText([encodeDataEvent(value), DONE_FRAME])).toMatchObject([{ kind: 'json', value }]);
  });

  it('writes null for a value JSON cannot represent', () => {
    expect(encodeDataEvent(undefined)).toBe('data: null\n\n');
  });
});

describe('fixed frames', () => {
  it('ends a stream with data: [DONE]', () => {
    expect(DONE_FRAME).toBe('data: [DONE]\n\n');
  });

  it('writes keep-alive as a comment that decodes to no event', () => {
    expect(KEEPALIVE_FRAME).toBe(': keep-alive\n\n');
    expect(decodeStreamText([KEEPALIVE_FRAME, encodeDataEvent(1)])).toMatchObject([{ value: 1 }]);
  });
});
