import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { listContentCodings, planDecoding } from './decode-content.ts';

async function decode(header: string, bytes: Buffer): Promise<string> {
  const plan = planDecoding(header);
  if (plan.kind !== 'decode') throw new Error(`unsupported ${plan.coding}`);
  let stream: Readable = Readable.from([bytes]);
  for (const decoder of plan.decoders) stream = stream.pipe(decoder);
  return text(stream);
}

describe('planDecoding', () => {
  it('passes a body sent as it is through: no header, an empty one, identity, identity among others', () => {
    for (const header of [undefined, '', 'identity', 'Identity', ' identity , ', ['identity'], []]) {
      expect(planDecoding(header)).toEqual({ kind: 'decode', decoders: [] });
    }
  });

  it('reads the codings of a content-encoding header, identity left out', () => {
    expect(listContentCodings(undefined)).toEqual([]);
    expect(listContentCodings('identity')).toEqual([]);
    expect(listContentCodings(' GZIP , br')).toEqual(['gzip', 'br']);
    expect(listContentCodings(['gzip', 'identity'])).toEqual(['gzip']);
  });

  it('decodes stacked codings in the reverse of the order they were applied', async () => {
    const twice = brotliCompressSync(gzipSync(Buffer.from('hello')));
    expect(await decode('gzip, br', twice)).toBe('hello');
    expect(planDecoding('identity')).toEqual({ kind: 'decode', decoders: [] });
  });

  it('names a coding it cannot decode, and refuses too many layers', () => {
    expect(planDecoding('gzip, snappy')).toEqual({ kind: 'unsupported', coding: 'snappy' });
    expect(planDecoding('compress')).toEqual({ kind: 'unsupported', coding: 'compress' });
    expect(planDecoding('gzip, gzip, gzip')).toEqual({ kind: 'unsupported', coding: 'gzip, gzip, gzip' });
  });
});
