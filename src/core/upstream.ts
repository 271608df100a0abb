// What goes to an upstream and what comes back, as plain data. providers/ build requests,
// upstream/ sends them (the only socket code), relay/ reads the answers.
import type { JsonObject } from './chat.ts';

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  /** The JSON sent; with `raw`, what learning and capture see of the body (src/relay/encode-endpoint-body.ts). */
  body: JsonObject;
  /**
   * The bytes sent instead of `body`'s JSON (a multipart upload; issue 18's endpoints), typed by the
   * `content-type` header: one buffer, or pieces sent in order (a form whose files are not copied).
   */
  raw?: Uint8Array | readonly Uint8Array[];
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Uint8Array>;
}

/**
 * A body that can also answer one read with callbacks instead of a promise (an upstream stream's,
 * src/upstream/read-upstream-body.ts): `onChunk` gets the next chunk, or null at the end; `onError`
 * what ended the body. relay/ uses it when the body has it (src/relay/pump-upstream.ts).
 */
export interface CallbackReader {
  readInto(onChunk: (chunk: Uint8Array | null) => void, onError: (error: unknown) => void): void;
}

/**
 * An attempt's watchdog as the upstream client sees it (src/upstream/upstream-client.ts `SendOptions.watchdog`,
 * src/relay/run-attempt.ts): it times the first byte and the silences, so undici sets no timers of its own,
 * and a whole answer tells it of each piece of its body.
 */
export interface BodyWatchdog {
  /** A piece of the body came: the silence before the next one counts from now. */
  bodyRead(): void;
}

/** An upstream error body read leniently: whatever shape it had, the upstream's own words. */
export interface UpstreamErrorDetails {
  message: string;
  type: string | undefined;
  code: string | undefined;
  param: string | undefined;
  /** Seconds to wait before retrying, when the body says so (Gemini's `RetryInfo.retryDelay`). */
  retryAfterSeconds?: number;
}
