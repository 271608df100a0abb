// A cached answer as bytes for a shared store (docs/caching.md "Redis"): `{"t": stored at (epoch ms),
// "c": the chat.completion}` as JSON, Brotli-compressed. Compressing runs on libuv's thread pool
// (zlib's callback API) so a large answer does not hold the event loop; it happens after the answer
// went out. Decompressing is synchronous (a hit is waiting for it: tens of microseconds for a few
// KiB) and bounded: it never yields more than the entry cap, however the stored bytes were made.
import { brotliCompress, brotliDecompressSync, constants } from 'node:zlib';
import { isJsonObject, type ChatCompletion } from '../core/chat.ts';

/**
 * Brotli quality 4 (docs/caching.md "Measured"): on chat answers of 1-64 KB it decodes at least as
 * fast as gzip and compresses within 10-20 % of gzip's default ratio in a half to a third of its time.
 */
export const cachedAnswerQuality = 4;

export interface CachedAnswer {
  completion: ChatCompletion;
  /** When it was stored (epoch ms): a key with a short ttl_s is served only young answers. */
  storedAt: number;
}

/** The compressed entry, or undefined when its JSON is larger than `maxEntryBytes` (not stored). */
export async function encodeCachedAnswer(answer: CachedAnswer, maxEntryBytes: number): Promise<Buffer | undefined> {
  const json = Buffer.from(JSON.stringify({ t: answer.storedAt, c: answer.completion }));
  if (json.length > maxEntryBytes) return undefined;
  return new Promise((resolve, reject) => {
    brotliCompress(json, { params: { [constants.BROTLI_PARAM_QUALITY]: cachedAnswerQuality, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } }, (error, compressed) => {
      if (error === null) resolve(compressed);
      else reject(error);
    });
  });
}

/** The answer in `bytes`; undefined when they are not an entry of ours (or inflate past `maxEntryBytes`). */
export function decodeCachedAnswer(bytes: Uint8Array, maxEntryBytes: number): CachedAnswer | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(brotliDecompressSync(bytes, { maxOutputLength: maxEntryBytes }).toString());
  } catch {
    return undefined;
  }
  if (!isJsonObject(fields) || typeof fields.t !== 'number' || !isJsonObject(fields.c) || !Array.isArray(fields.c.choices)) return undefined;
  return { storedAt: fields.t, completion: fields.c as unknown as ChatCompletion };
}
