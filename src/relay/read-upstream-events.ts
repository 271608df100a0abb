// The first half of the push-based stream path (issue 13): one upstream read → SSE events →
// canonical chunks, synchronously, handed to a sink as they complete. A plain OpenAI chunk (one
// the dialect would hand on unchanged) reaches the sink as its text, never parsed.
import { classifyEventData, createStreamDecoder, type EventDecoder, type StreamEvent } from '../codec/sse/index.ts';
import type { ChatCompletionChunk, PlainChunk } from '../core/chat.ts';
import type { ChatStreamParser } from '../providers/types.ts';

export interface ChunkSink {
  chunk(chunk: ChatCompletionChunk): void;
  /** Given: plain chunks come here unparsed. Absent: every event is parsed (the collect path). */
  plain?: (data: string, plain: PlainChunk) => void;
}

export class UpstreamEventReader {
  readonly #decoder: EventDecoder<Uint8Array>;
  readonly #parser: ChatStreamParser;
  readonly #sink: ChunkSink;
  readonly #scanPlain: ((data: string) => PlainChunk | undefined) | undefined;
  /** Upstream chunks seen so far: the idle timer watches it. */
  chunks = 0;

  constructor(parser: ChatStreamParser, sink: ChunkSink) {
    this.#parser = parser;
    this.#sink = sink;
    this.#scanPlain = sink.plain === undefined ? undefined : parser.scanPlain;
    this.#decoder = createStreamDecoder({
      onData: (data, event) => {
        this.#data(data, event);
      },
    });
  }

  /** True once `[DONE]` was seen: the rest of the body is not read. */
  get finished(): boolean {
    return this.#decoder.isFinished();
  }

  /** One upstream read. Throws the stream's error (after handing on the chunks before it). */
  push(bytes: Uint8Array): void {
    for (const event of this.#decoder.push(bytes)) this.#event(event);
  }

  /** The upstream ended (or said `[DONE]`): a last event without its blank line, and what the dialect held back. */
  end(): void {
    for (const event of this.#decoder.end()) this.#event(event);
    for (const chunk of this.#parser.finish()) this.#chunk(chunk);
  }

  #data(data: string, event: string | undefined): void {
    if (event === undefined && this.#scanPlain !== undefined && this.#sink.plain !== undefined) {
      const plain = this.#scanPlain(data);
      if (plain !== undefined) {
        this.chunks += 1;
        this.#sink.plain(data, plain);
        return;
      }
    }
    for (const parsed of classifyEventData(data, event)) this.#event(parsed);
  }

  #event(event: StreamEvent): void {
    for (const chunk of this.#parser.accept(event)) this.#chunk(chunk);
  }

  #chunk(chunk: ChatCompletionChunk): void {
    this.chunks += 1;
    this.#sink.chunk(chunk);
  }
}
