// A body's bytes as text fit for an error message: an upstream that sends binary (an undecoded
// compressed body, an image) is described by its size, never pasted into a message or a log.

/** C0 controls other than tab, line feed, form feed and carriage return, and DEL: no text body has them. */
function isControlCharacter(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) || code === 0x7f;
}

function hasControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (isControlCharacter(text.charCodeAt(index))) return true;
  return false;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

export function isBinaryBody(bytes: Uint8Array): boolean {
  try {
    return hasControlCharacters(fatalDecoder.decode(bytes));
  } catch {
    return true;
  }
}

/** The body as UTF-8 text, or `N bytes of binary data` when it is not text. */
export function describeBodyText(bytes: Uint8Array): string {
  return isBinaryBody(bytes) ? `${bytes.byteLength} bytes of binary data` : new TextDecoder().decode(bytes);
}

/** A body that can also be read in one piece, cheaper than chunk by chunk (upstream/read-whole-body.ts). */
interface ReadableAtOnce {
  readAll(): Promise<Uint8Array>;
  /** The whole body when it has come already, without a promise. */
  readNow?(): Uint8Array | undefined;
}

function canReadAtOnce(body: object): body is ReadableAtOnce {
  return typeof (body as Partial<ReadableAtOnce>).readAll === 'function';
}

/**
 * Reads a whole byte stream (its cap is the reader's: upstream/ stops a body at its limit). Not an
 * async function: a body read at once hands back its own promise, without another one around it.
 */
export function readBodyBytes(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  return canReadAtOnce(body) ? body.readAll() : readChunks(body);
}

/** The whole body when it is here already (a body read at once that has come); undefined: readBodyBytes() it. */
export function readBodyBytesNow(body: AsyncIterable<Uint8Array>): Uint8Array | undefined {
  return canReadAtOnce(body) ? body.readNow?.() : undefined;
}

async function readChunks(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.byteLength;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
