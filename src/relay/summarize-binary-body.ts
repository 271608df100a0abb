// Debug capture of a binary body (audio, images, octet streams; issue 18 item 5): its size, type and
// sha256 instead of its bytes, which would be unreadable as text and heavy in the log store. The hash
// lets an operator check that what went up or came back is byte for byte what the client sent or got.
import { createHash, type Hash } from 'node:crypto';

/** audio/*, image/*, video/* and application/octet-stream bodies are summarized; text, JSON and SSE are kept as text. */
export function isBinaryContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type.startsWith('audio/') || type.startsWith('image/') || type.startsWith('video/') || type === 'application/octet-stream';
}

/** Counts and hashes the bytes that pass, keeping none of them. */
export class BinaryDigest {
  readonly #hash: Hash = createHash('sha256');
  readonly #contentType: string;
  #bytes = 0;
  #described: string | undefined;

  constructor(contentType: string) {
    this.#contentType = contentType;
  }

  append(chunk: Uint8Array): void {
    if (this.#described !== undefined) return;
    this.#bytes += chunk.byteLength;
    this.#hash.update(chunk);
  }

  /** `[N bytes, type, sha256 …]` of what passed; the count ends at the first call. */
  describe(): string {
    this.#described ??= `[${this.#bytes} bytes, ${this.#contentType}, sha256 ${this.#hash.digest('hex')}]`;
    return this.#described;
  }
}
