// The multipart parser on bytes in, form out: what undici's FormData writes (the encoder the openai SDK
// uses on Node), hand-written forms with quoted names and preambles, and malformed or oversized forms.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { parseMultipart, readBoundary, type MultipartBounds } from './parse-multipart.ts';
import { readHeaderParameters } from './read-header-parameters.ts';

/** A form as undici's Request serializes it: the real wire bytes a Node client sends. */
async function encodeWithUndici(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const request = new Request('http://x.test/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
}

function failureOf(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const bounds: MultipartBounds = { maxParts: 4, maxHeaderBytes: 200, maxFieldBytes: 16 };

describe('parseMultipart', () => {
  it('reads the fields in order and each file as a view into the one body buffer', async () => {
    const form = new FormData();
    form.append('model', 'whisper-1');
    form.append('timestamp_granularities[]', 'word');
    form.append('timestamp_granularities[]', 'segment');
    const audio = new Uint8Array(4096).map((_, index) => (index * 7) % 256);
    form.append('file', new File([audio], 'speech "1".wav', { type: 'audio/wav' }));
    const { body, contentType } = await encodeWithUndici(form);
    const parsed = parseMultipart(body, contentType);
    expect(parsed.fields).toEqual([
      ['model', 'whisper-1'],
      ['timestamp_granularities[]', 'word'],
      ['timestamp_granularities[]', 'segment'],
    ]);
    expect(parsed.files).toHaveLength(1);
    const file = parsed.files[0];
    expect(file?.field).toBe('file');
    expect(file?.filename).toBe('speech %221%22.wav'); // undici percent-encodes the quote, as browsers do
    expect(file?.contentType).toBe('audio/wav');
    expect(Buffer.from(file?.bytes ?? []).equals(Buffer.from(audio))).toBe(true);
    // No copy: the file's bytes share the body's memory.
    expect(file?.bytes.buffer).toBe(body.buffer);
  });

  it('takes a quoted boundary, a preamble, escaped quotes in names, a part without content type, and CRLF inside a value', () => {
    const body = Buffer.from(
      'preamble to ignore\r\n--a b\r\nContent-Disposition: form-data; name="say \\"hi\\""\r\n\r\nline 1\r\nline 2\r\n' +
        '--a b  \r\ncontent-disposition: form-data; name=image; filename*=UTF-8\'\'%E7%8C%AB.png\r\n\r\n\x89PNG\r\n--a b--\r\nepilogue',
      'latin1',
    );
    const parsed = parseMultipart(body, 'multipart/form-data; boundary="a b"');
    expect(parsed.fields).toEqual([['say "hi"', 'line 1\r\nline 2']]);
    expect(parsed.files.map((file) => [file.field, file.filename, file.contentType, [...file.bytes]])).toEqual([['image', '猫.png', 'application/octet-stream', [0x89, 0x50, 0x4e, 0x47]]]);
  });

  it('refuses a body that is not multipart/form-data, or has no boundary', () => {
    expect(failureOf(() => readBoundary('application/json')).message).toContain("got 'application/json'");
    expect(failureOf(() => readBoundary(undefined)).message).toContain('no content type');
    const noBoundary = failureOf(() => parseMultipart(Buffer.from('--x\r\n'), 'multipart/form-data'));
    expect([noBoundary.status, noBoundary.message]).toEqual([400, 'Malformed multipart/form-data body: the content type has no boundary parameter of 1 to 70 characters.']);
    expect(failureOf(() => readBoundary(`multipart/form-data; boundary=${'b'.repeat(71)}`)).status).toBe(400);
  });

  it('refuses a form without a closing delimiter, without its delimiter at all, or with a part that breaks the rules', () => {
    const type = 'multipart/form-data; boundary=xyz';
    const unclosed = failureOf(() => parseMultipart(Buffer.from('--xyz\r\ncontent-disposition: form-data; name="a"\r\n\r\nvalue'), type));
    expect(unclosed.message).toContain('no closing delimiter');
    expect(failureOf(() => parseMultipart(Buffer.from('just text'), type)).message).toContain("no delimiter '--xyz'");
    expect(failureOf(() => parseMultipart(Buffer.from('--xyz\r\ncontent-type: text/plain\r\n\r\nv\r\n--xyz--'), type)).message).toContain('no Content-Disposition');
    expect(failureOf(() => parseMultipart(Buffer.from('--xyz\r\ncontent-disposition: form-data\r\n\r\nv\r\n--xyz--'), type)).message).toContain('has no name');
    expect(failureOf(() => parseMultipart(Buffer.from('--xyz\r\ncontent-disposition: attachment; name=a\r\n\r\nv\r\n--xyz--'), type)).message).toContain('not form-data');
    expect(failureOf(() => parseMultipart(Buffer.from('--xyzjunk\r\n'), type)).message).toContain('not followed by a line break');
    expect(failureOf(() => parseMultipart(Buffer.from('--xyz\r\ncontent-disposition: form-data; name=a'), type)).message).toContain('do not end with an empty line');
  });

  it('holds its bounds: parts, header bytes, field bytes (files are bounded by the body cap only)', () => {
    const type = 'multipart/form-data; boundary=b';
    const part = (name: string, value: string) => `--b\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const five = Buffer.from(['1', '2', '3', '4', '5'].map((name) => part(name, 'v')).join('') + '--b--');
    expect(failureOf(() => parseMultipart(five, type, bounds)).message).toContain('more than 4 parts');
    const longHeader = Buffer.from(`--b\r\ncontent-disposition: form-data; name="${'n'.repeat(300)}"\r\n\r\nv\r\n--b--`);
    expect(failureOf(() => parseMultipart(longHeader, type, bounds)).message).toContain('headers are over 200 bytes');
    const longField = failureOf(() => parseMultipart(Buffer.from(part('prompt', 'x'.repeat(17)) + '--b--'), type, bounds));
    expect([longField.message, longField.param]).toEqual(["The form field 'prompt' is over 16 bytes.", 'prompt']);
    const bigFile = Buffer.from(`--b\r\ncontent-disposition: form-data; name="file"; filename="a.bin"\r\n\r\n${'x'.repeat(1000)}\r\n--b--`);
    expect(parseMultipart(bigFile, type, bounds).files[0]?.bytes.byteLength).toBe(1000);
  });
});

describe('readHeaderParameters', () => {
  it('reads tokens and quoted strings, lower-cases names, keeps the first of a repeated name', () => {
    const text = 'form-data; Name="a;b"; filename=x.wav; name=second';
    expect([...readHeaderParameters(text, text.indexOf(';'))]).toEqual([
      ['name', 'a;b'],
      ['filename', 'x.wav'],
    ]);
  });
});
