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
  body: UpstreamBody;
}

/** An upstream body: read by iterating it, or (where the socket allows) pushed read by read. */
export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  /**
   * Push-based reading (issue 13): each read handed to `data` synchronously, as it arrives; `end`
   * or `error` once. Use it or iterate, not both. Absent: only iteration (in-memory bodies, a tee).
   */
  flow?: (handlers: BodyFlowHandlers) => BodyFlow;
}

export interface BodyFlowHandlers {
  data(chunk: Uint8Array): void;
  end(): void;
  /** The body failed: a typed GatewayError, as iteration would throw it. */
  error(error: unknown): void;
}

export interface BodyFlow {
  /** Backpressure: no `data` until `resume()`. */
  pause(): void;
  resume(): void;
  /** Stops reading and releases the body; no handler runs after it. */
  cancel(): void;
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
