// Debug capture: what went to an upstream and what came back, byte for byte (the SSE transcript for
// streams), each part capped, with every secret masked. Off unless asked for (SLUICE_DEBUG=1, a
// channel's `debug: true`, or a key's switch), and then the only cost is a copy of the bytes.

import { providerKeyHeaders, providerPlainHeaders } from '../providers/registry.ts';

export interface CapturedExchange {
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number | undefined;
  responseHeaders: Record<string, string>;
  /** The raw response body as text (an SSE transcript for streams), capped. */
  responseBody: string;
  truncated: boolean;
}

export interface Capture {
  clientRequest: string;
  clientResponse: string;
  attempts: CapturedExchange[];
}

/** Header names whose values are credentials, whatever their value looks like: HTTP's own and every dialect's key header. */
const secretHeaders: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', ...providerKeyHeaders]);

export const maskedValue = '***';

/**
 * Channel `headers:` whose values are not credentials and are shown as they are. Any other custom
 * header (`X-Custom-Token`, a relay's `X-Api-Secret`, …) is treated as a secret: masked in the admin
 * API, and its value masked wherever a capture holds it (docs/security.md#secrets).
 */
export const safeChannelHeaders: ReadonlySet<string> = new Set(['accept', 'accept-language', 'content-type', 'user-agent', ...providerPlainHeaders]);

export function isSafeChannelHeader(name: string): boolean {
  return safeChannelHeaders.has(name.toLowerCase());
}

/** The values of a channel's custom headers that are secrets (every one not on the safe list). */
export function listHeaderSecrets(headers: Readonly<Record<string, string>>): string[] {
  return Object.entries(headers).flatMap(([name, value]) => (isSafeChannelHeader(name) ? [] : [value]));
}

/** Replaces every known secret wherever it appears in a text (URLs with `?key=`, echoed bodies). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) if (secret.length >= 4) masked = masked.split(secret).join(maskedValue);
  return masked;
}

export function maskHeaders(headers: Record<string, string | string[] | undefined>, secrets: readonly string[]): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    masked[name] = secretHeaders.has(name.toLowerCase()) ? maskedValue : maskSecrets(text, secrets);
  }
  return masked;
}

/** A bounded text buffer: keeps the first `capBytes` bytes and says whether more came. */
export class CappedText {
  readonly #decoder = new TextDecoder();
  readonly #capBytes: number;
  #bytes = 0;
  text = '';
  truncated = false;

  constructor(capBytes: number) {
    this.#capBytes = capBytes;
  }

  append(chunk: Uint8Array): void {
    if (this.#bytes >= this.#capBytes) {
      this.truncated = true;
      return;
    }
    const room = this.#capBytes - this.#bytes;
    const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
    this.truncated ||= part !== chunk;
    this.#bytes += part.byteLength;
    this.text += this.#decoder.decode(part, { stream: true });
  }

  appendText(text: string): void {
    this.append(Buffer.from(text));
  }
}

/** Copies a body's bytes into `sink` as they pass, without holding them back. */
export async function* teeBody(body: AsyncIterable<Uint8Array>, sink: { append(chunk: Uint8Array): void }): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    sink.append(chunk);
    yield chunk;
  }
}

export function capText(text: string, capBytes: number): string {
  const buffer = new CappedText(capBytes);
  buffer.appendText(text);
  return buffer.truncated ? `${buffer.text}…[truncated]` : buffer.text;
}
