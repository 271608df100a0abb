import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBodyBytes } from '../lib/describe-body-text.ts';
import { planDecoding } from './decode-content.ts';
import type { BodyScope } from './read-upstream-body.ts';
import { UpstreamBody, readWholeUpstreamBody } from './read-whole-body.ts';

function scopeOf(capBytes: number): BodyScope & { ended: number } {
  const scope = { channel: 'up', signal: new AbortController().signal, status: 200, what: 'an answer', capBytes, capSetting: 'limits.upstream_body_bytes', ended: 0, onEnd: () => { scope.ended += 1; } };
  return scope;
}

function decodersFor(header: string) {
  const plan = planDecoding(header);
  if (plan.kind !== 'decode') throw new Error('unsupported');
  return plan.decoders;
}

describe('readWholeUpstreamBody', () => {
  it('joins the chunks, decoded, and ends the body once', async () => {
    const scope = scopeOf(1000);
    const bytes = await readWholeUpstreamBody(Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]), [], scope);
    expect(Buffer.from(bytes).toString()).toBe('{"a":1}');
    const gzipped = await readWholeUpstreamBody(Readable.from([gzipSync('hello')]), decodersFor('gzip'), scope);
    expect(Buffer.from(gzipped).toString()).toBe('hello');
    expect(scope.ended).toBe(2);
  });

  it('stops at the cap in decoded bytes with the error that names the setting', async () => {
    const scope = scopeOf(8);
    const source = new PassThrough();
    const read = readWholeUpstreamBody(source, [], scope);
    source.write('12345');
    source.write('67890');
    await expect(read).rejects.toMatchObject({ code: 'upstream_body_too_large', message: expect.stringContaining('limits.upstream_body_bytes') as unknown });
    expect(source.destroyed).toBe(true);
    expect(scope.ended).toBe(1);
    await expect(readWholeUpstreamBody(Readable.from([gzipSync('x'.repeat(100))]), decodersFor('gzip'), scopeOf(50))).rejects.toMatchObject({ code: 'upstream_body_too_large' });
  });

  it('types a broken connection and an undecodable body', async () => {
    const source = new PassThrough();
    const read = readWholeUpstreamBody(source, [], scopeOf(100));
    source.write('{"a"');
    source.destroy(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    await expect(read).rejects.toMatchObject({ code: 'upstream_reset', message: 'up broke the connection: UND_ERR_SOCKET' });
    await expect(readWholeUpstreamBody(Readable.from([Buffer.from('not gzip at all')]), decodersFor('gzip'), scopeOf(100))).rejects.toMatchObject({ code: 'upstream_bad_response' });
  });
});

describe('UpstreamBody', () => {
  it('is read at once by readBodyBytes, and chunk by chunk when iterated', async () => {
    expect(Buffer.from(await readBodyBytes(new UpstreamBody(Readable.from([Buffer.from('ab'), Buffer.from('c')]), [], scopeOf(10)))).toString()).toBe('abc');
    const chunks: string[] = [];
    for await (const chunk of new UpstreamBody(Readable.from([Buffer.from('ab'), Buffer.from('c')]), [], scopeOf(10))) chunks.push(Buffer.from(chunk).toString());
    expect(chunks).toEqual(['ab', 'c']);
  });
});
