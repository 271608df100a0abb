// The `usage` a streamed endpoint answer reports in its own events (OpenAI API reference): a
// transcription stream ends with `transcript.text.done` {text, usage}, a speech stream
// (`stream_format: sse`) with `speech.audio.done` {usage}, an image stream with
// `image_generation.completed` / `image_edit.completed` {…, usage}. The answer's bytes go to the
// client untouched; this reads a copy of what passed, event by event, and keeps the last `usage`.
import { createStreamDecoder, type EventDecoder } from '../codec/sse/index.ts';
import { isJsonObject, type JsonObject } from '../core/chat.ts';

export class StreamUsageWatch {
  #usage: JsonObject | undefined;
  /** Dropped once an event outgrows the decoder's cap (codec/sse/stream-event.ts `maxEventChars`). */
  #decoder: EventDecoder<Uint8Array> | undefined;

  constructor() {
    this.#decoder = createStreamDecoder({ onData: (data) => { this.#read(data); } });
  }

  /** The next piece of the answer, as it was written to the client. */
  push(piece: Uint8Array): void {
    if (this.#decoder === undefined) return;
    try {
      this.#decoder.push(piece);
    } catch {
      // An event past the decoder's cap: the answer still goes to the client; only its usage is not read.
      this.#decoder = undefined;
    }
  }

  /** The stream is over: the last `usage` object any of its events carried. */
  end(): JsonObject | undefined {
    try {
      this.#decoder?.end();
    } catch {
      // As in push.
    }
    return this.#usage;
  }

  #read(data: string): void {
    // Only an event that names `usage` is parsed: deltas (base64 audio, transcript text) are not.
    if (!data.includes('"usage"')) return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (isJsonObject(event) && isJsonObject(event.usage)) this.#usage = event.usage;
  }
}

/** A watch when the answer is SSE; undefined for any other streamed body (audio bytes carry no usage). */
export function watchStreamUsage(contentType: string | undefined): StreamUsageWatch | undefined {
  return contentType?.includes('text/event-stream') === true ? new StreamUsageWatch() : undefined;
}
