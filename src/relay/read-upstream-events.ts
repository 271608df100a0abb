// The first half of the push-based stream path (issue 13): one upstream read → SSE events →
// canonical chunks, synchronously, handed to a sink as they complete. A plain OpenAI chunk (one
// the dialect would hand on unchanged) reaches the sink as its text, never parsed.
import { classifyEventData, createStreamDecoder, type EventDecoder, type StreamEvent } from '../codec/sse/index.ts';
import type { ChatCompletionChunk, PlainChunk, PlainContent } from '../core/chat.ts';
import type { ChatStreamParser } from '../providers/types.ts';

export interface ChunkSink {
  chunk(chunk: ChatCompletionChunk): void;
  /** Given: plain chunks come here unparsed. Absent: every event is parsed (the collect path). */
  plain?: (data: string, plain: PlainChunk) => void;
  /**
   * Given (the collect path, without `plain`): a chunk that repeats the last plain one but for its
   * content comes here unparsed; false: it is parsed after all.
   */
  content?: (content: PlainContent) => boolean;
}

/** A parser that finds plain chunks without JSON.parse (OpenAI-compatible dialects). */
type PlainParser = ChatStreamParser & Required<Pick<ChatStreamParser, 'scanPlain' | 'sameButContent'>>;

function scansPlain(parser: ChatStreamParser): parser is PlainParser {
  return parser.scanPlain !== undefined && parser.sameButContent !== undefined;
}

/** The collect path stops looking for plain chunks after this many in a row were not (tool calls, another dialect's shape). */
const plainMissesBeforeGivingUp = 3;

export class UpstreamEventReader {
  readonly #decoder: EventDecoder<Uint8Array>;
  readonly #parser: ChatStreamParser;
  readonly #sink: ChunkSink;
  /** The parser, kept again when plain chunks go to the sink unparsed; its methods are called through it, not kept unbound. */
  readonly #plainScanner: PlainParser | undefined;
  /** The parser, kept again when content-only repeats go to the sink unparsed (the collect path). */
  readonly #contentScanner: PlainParser | undefined;
  #plainMisses = 0;
  /** Upstream chunks seen so far: the idle timer watches it. */
  chunks = 0;

  constructor(parser: ChatStreamParser, sink: ChunkSink) {
    this.#parser = parser;
    this.#sink = sink;
    const plain = scansPlain(parser) ? parser : undefined;
    this.#plainScanner = sink.plain === undefined ? undefined : plain;
    this.#contentScanner = sink.plain === undefined && sink.content !== undefined ? plain : undefined;
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
    if (event === undefined && this.#plainScanner !== undefined && this.#sink.plain !== undefined) {
      const plain = this.#plainScanner.scanPlain(data);
      if (plain !== undefined) {
        this.chunks += 1;
        this.#sink.plain(data, plain);
        return;
      }
    }
    if (event === undefined && this.#contentScanner !== undefined && this.#plainMisses < plainMissesBeforeGivingUp && this.#contentOnly(data)) return;
    for (const parsed of classifyEventData(data, event)) this.#event(parsed);
  }

  /** The collect path: a repeat of the last plain chunk but for its content, handed on unparsed. */
  #contentOnly(data: string): boolean {
    const same = this.#contentScanner?.sameButContent(data);
    if (same !== undefined && this.#sink.content?.(same) === true) {
      this.#plainMisses = 0;
      this.chunks += 1;
      return true;
    }
    // Scanned to become the one the next chunks are matched against; parsed all the same.
    if (same === undefined) this.#plainMisses = this.#parser.scanPlain?.(data) === undefined ? this.#plainMisses + 1 : 0;
    return false;
  }

  #event(event: StreamEvent): void {
    for (const chunk of this.#parser.accept(event)) this.#chunk(chunk);
  }

  #chunk(chunk: ChatCompletionChunk): void {
    this.chunks += 1;
    this.#sink.chunk(chunk);
  }
}
