// Bytes → events: the first stage of every upstream stream (docs/style.md 4).
import { drainQuietly } from '../../lib/drain-quietly.ts';
import { BodyTextDecoder } from './decode-body-text.ts';
import type { DecodeOptions, EventDecoder, StreamEvent } from './stream-event.ts';

/**
 * Decodes UTF-8 with `stream: true`, so a character split across reads (a 4-byte emoji split
 * 1+3, CJK split 2+1) survives. `ignoreBOM` keeps the BOM in the text: the body decoder strips
 * exactly one itself, whatever mode the body turns out to be.
 */
class StreamDecoder implements EventDecoder<Uint8Array> {
  readonly #utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  readonly #body: BodyTextDecoder;

  constructor(options: DecodeOptions) {
    this.#body = new BodyTextDecoder(options);
  }

  push(bytes: Uint8Array): StreamEvent[] {
    return this.#body.push(this.#utf8.decode(bytes, { stream: true }));
  }

  end(): StreamEvent[] {
    const events = this.#body.push(this.#utf8.decode());
    for (const event of this.#body.end()) events.push(event);
    return events;
  }

  isFinished(): boolean {
    return this.#body.isFinished();
  }
}

/** One object per stream (held streams are many: docs/benchmarks.md). */
export function createStreamDecoder(options: DecodeOptions = {}): EventDecoder<Uint8Array> {
  return new StreamDecoder(options);
}

/**
 * bytes → events, each yielded as soon as it is complete. Ends at `[DONE]` (not yielded; the
 * body is released) or at EOF, where a last event without its blank line is still dispatched.
 */
export async function* decodeStream(
  body: AsyncIterable<Uint8Array>,
  options: DecodeOptions = {},
): AsyncGenerator<StreamEvent> {
  const decoder = createStreamDecoder(options);
  const iterator = body[Symbol.asyncIterator]();
  let settled = false;
  try {
    for (let read = await iterator.next(); read.done !== true; read = await iterator.next()) {
      yield* decoder.push(read.value);
      if (decoder.isFinished()) {
        // The few bytes after `[DONE]` are read in the background rather than the body torn down:
        // destroying a live body builds an AbortError with a stack trace, once per stream.
        settled = true;
        drainQuietly(iterator);
        return;
      }
    }
    settled = true;
    yield* decoder.end();
  } finally {
    // Stopped early (an error, or the consumer left): release the body.
    if (!settled) await iterator.return?.();
  }
}

/** The same decoding over a body already in memory: for tests and pure callers. */
export function decodeStreamText(
  chunks: Iterable<string | Uint8Array>,
  options: DecodeOptions = {},
): StreamEvent[] {
  const encoder = new TextEncoder();
  const decoder = createStreamDecoder(options);
  const events: StreamEvent[] = [];
  for (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    for (const event of decoder.push(bytes)) events.push(event);
    if (decoder.isFinished()) return events;
  }
  for (const event of decoder.end()) events.push(event);
  return events;
}
