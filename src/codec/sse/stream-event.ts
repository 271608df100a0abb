// The decoder's output: one upstream event, already split from its framing. A provider parses
// `value` (or decides what an unparsable `data` means); it never sees `data:` lines or `[DONE]`.

export type StreamEvent =
  | { kind: 'json'; event: string | undefined; data: string; value: unknown }
  | { kind: 'text'; event: string | undefined; data: string };

export interface DecodeOptions {
  /**
   * Called for each SSE comment line (e.g. `: keep-alive`) with the text after the colon, one
   * leading space removed (`' keep-alive'` → `'keep-alive'`). Comments never become events.
   */
  onComment?: (text: string) => void;
  /**
   * When given, each SSE event's data (after `[DONE]` is recognised) goes here, in order, as the
   * upstream wrote it, instead of being parsed and returned: the push-based stream path parses it
   * itself, or passes it through unparsed (src/relay/client-stream-path.ts). A JSON or NDJSON body
   * still returns its events.
   */
  onData?: (data: string, event: string | undefined) => void;
  /**
   * The longest one event may grow to, in characters: its unfinished line plus its data lines so far
   * (`defaultMaxEventChars` when absent). Past it, `push` throws an `EventTooLargeError`.
   */
  maxEventChars?: number;
}

/**
 * One SSE event is held whole until its blank line; without a cap of its own, an upstream that never
 * ends an event would grow it up to the stream's byte limit (`limits.upstream_stream_bytes`, 256 MiB by
 * default). The cap is the default largest JSON answer read whole (`limits.upstream_body_bytes`, 32 MiB,
 * src/config/defaults.ts): one event of a stream is never larger than an answer read whole.
 */
export const defaultMaxEventChars = 32 * 1024 * 1024;

/** One stage of the decoder: text (or bytes) in, the events it completed out. */
export interface EventDecoder<Input> {
  /** Feeds the next piece of the body; returns the events it completed, in order. */
  push(input: Input): StreamEvent[];
  /** Ends the body: returns the events still pending (a last event without its blank line). */
  end(): StreamEvent[];
  /** True once `[DONE]` was seen: later input is ignored. */
  isFinished(): boolean;
}

/** Thrown by `push` when one event (or the whitespace before the first) outgrew `maxEventChars`. */
export class EventTooLargeError extends Error {
  readonly maxEventChars: number;

  constructor(maxEventChars: number) {
    super(`one stream event was longer than ${maxEventChars.toLocaleString('en-US')} characters without ending`);
    this.name = 'EventTooLargeError';
    this.maxEventChars = maxEventChars;
  }
}
