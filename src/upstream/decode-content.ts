// An upstream that compresses its answer although Sluice asked for `accept-encoding: identity`
// (some relays and CDNs do): the codings of `content-encoding` become decoder streams, applied in
// the reverse of the order they were listed (RFC 9110 §8.4). A coding node:zlib cannot decode is
// named, never guessed at: the body is then binary that no parser and no error message should see.
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createZstdDecompress } from 'node:zlib';

const decoderFactories: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  // HTTP's `deflate` is the zlib format (RFC 9110 §8.4.1.2).
  deflate: createInflate,
  br: createBrotliDecompress,
  zstd: createZstdDecompress,
};

/** More codings than this on one body is not a real upstream: refused rather than stacked. */
export const maxContentCodings = 2;

export type DecodingPlan = { kind: 'decode'; decoders: readonly Transform[] } | { kind: 'unsupported'; coding: string };

/** A body sent as it is (no `content-encoding`, the usual case): one plan for all, no list made per answer. */
const asSent: DecodingPlan = Object.freeze({ kind: 'decode', decoders: Object.freeze([]) });

/** The header's codings, lower-cased, without `identity` (which changes nothing). */
export function listContentCodings(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
}

export function planDecoding(header: string | string[] | undefined): DecodingPlan {
  if (header === undefined || header === '' || header === 'identity') return asSent;
  const codings = listContentCodings(header);
  if (codings.length > maxContentCodings) return { kind: 'unsupported', coding: codings.join(', ') };
  const unknown = codings.find((coding) => !Object.hasOwn(decoderFactories, coding));
  if (unknown !== undefined) return { kind: 'unsupported', coding: unknown };
  return { kind: 'decode', decoders: codings.reverse().map((coding) => (decoderFactories[coding] as () => Transform)()) };
}
