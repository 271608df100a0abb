import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeBodyText, isBinaryBody, readBodyBytes } from './describe-body-text.ts';

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('describeBodyText', () => {
  it('keeps text, tabs, line breaks and any language as they are', () => {
    expect(describeBodyText(bytesOf('{"error": "bad"}\r\n\tnext'))).toBe('{"error": "bad"}\r\n\tnext');
    expect(describeBodyText(bytesOf('模型不存在'))).toBe('模型不存在');
  });

  it('describes invalid UTF-8 or control characters by size', () => {
    expect(isBinaryBody(new Uint8Array([0x1f, 0x8b, 0x08, 0x00]))).toBe(true);
    expect(describeBodyText(new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff]))).toBe('5 bytes of binary data');
    expect(describeBodyText(bytesOf('abc\u0000def'))).toBe('7 bytes of binary data');
  });

  it('reads a body of many chunks into one', async () => {
    expect(new TextDecoder().decode(await readBodyBytes(Readable.from([bytesOf('ab'), bytesOf('c')])))).toBe('abc');
  });
});
