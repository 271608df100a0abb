// What goes to an upstream and what comes back, as plain data. providers/ build requests,
// upstream/ sends them (the only socket code), relay/ reads the answers.
import type { JsonObject } from './chat.ts';

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  body: JsonObject;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Uint8Array>;
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
