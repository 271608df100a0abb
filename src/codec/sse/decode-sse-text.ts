// SSE text → events, by the WHATWG rules (https://html.spec.whatwg.org/multipage/server-sent-events.html
// #event-stream-interpretation): CR, LF and CRLF line endings (a CR split from its LF across feeds),
// `data:` with or without one space, comments, `event`, `id` and `retry` (the last two read and
// ignored: a relay neither reconnects nor resumes), unknown fields ignored; plus the tolerant extras
// upstreams need (`[DONE]`, an event without its blank line at EOF).
//
// One object per stream holding its state in fields: eventsource-parser's createParser, used before,
// made ~12 closures and their context per held stream (docs/benchmarks.md, "Held stream, round five").

import { classifyEventData, isDoneMarker } from './classify-event-data.ts';
import { defaultMaxEventChars, EventTooLargeError, type DecodeOptions, type EventDecoder, type StreamEvent } from './stream-event.ts';

const LF = 10;
const SPACE = 32;
const COLON = 58;

/** The value of a field line `name:value` ending at `end`: after the colon and one optional space. */
function fieldValue(text: string, colon: number, end: number): string {
  return text.slice(text.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1, end);
}

/** The first colon of the line, searched within the line only (an indexOf could scan far past it). */
function findColon(text: string, start: number, end: number): number {
  for (let index = start; index < end; index += 1) if (text.charCodeAt(index) === COLON) return index;
  return -1;
}

/** `text` holds exactly `name` from `start` to `end`, the name's end (the colon, or the line's end). */
function isField(text: string, start: number, end: number, name: string): boolean {
  return end - start === name.length && text.startsWith(name, start);
}

/**
 * Decodes SSE text whose one leading BOM the caller has already removed (decode-body-text.ts): a
 * later BOM is content, which turns its line into an unknown field, as WHATWG says.
 */
export class SseTextDecoder implements EventDecoder<string> {
  readonly #onComment: ((text: string) => void) | undefined;
  readonly #onData: ((data: string, event: string | undefined) => void) | undefined;
  readonly #maxEventChars: number;
  #pending: StreamEvent[] = [];
  /** The start of a line whose ending has not arrived yet. */
  #partial = '';
  /** The last feed ended with a CR: an LF starting the next one completes that line ending. */
  #skipLineFeed = false;
  /** The event's data lines so far, joined with LF; `undefined` until its first data line. */
  #data: string | undefined = undefined;
  #event: string | undefined = undefined;
  #finished = false;

  constructor(options: DecodeOptions = {}) {
    this.#onComment = options.onComment;
    this.#onData = options.onData;
    this.#maxEventChars = options.maxEventChars ?? defaultMaxEventChars;
  }

  push(text: string): StreamEvent[] {
    if (!this.#finished) this.#feed(text);
    return this.#takePending();
  }

  end(): StreamEvent[] {
    // WHATWG drops an event that lacks its blank line at EOF; an upstream that just closes must
    // not lose its last chunk, so EOF ends the last line and dispatches its event.
    if (!this.#finished) {
      if (this.#partial !== '') this.#line(this.#partial, 0, this.#partial.length);
      this.#partial = '';
      this.#dispatch();
    }
    this.#finished = true;
    return this.#takePending();
  }

  isFinished(): boolean {
    return this.#finished;
  }

  #takePending(): StreamEvent[] {
    if (this.#pending.length === 0) return [];
    const events = this.#pending;
    this.#pending = [];
    return events;
  }

  #feed(text: string): void {
    let start = 0;
    if (this.#skipLineFeed && text !== '') {
      this.#skipLineFeed = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    const length = text.length;
    // Each search result is kept until the scan passes it, so a text is searched once per character kind.
    let lineFeed = text.indexOf('\n', start);
    let carriageReturn = text.indexOf('\r', start);
    while (!this.#finished) {
      const end = carriageReturn === -1 || (lineFeed !== -1 && lineFeed < carriageReturn) ? lineFeed : carriageReturn;
      if (end === -1) break;
      const lineStart = start;
      start = end + 1;
      if (end === carriageReturn) {
        if (start === length) this.#skipLineFeed = true;
        else if (text.charCodeAt(start) === LF) start += 1;
      }
      if (lineFeed !== -1 && lineFeed < start) lineFeed = text.indexOf('\n', start);
      if (carriageReturn !== -1 && carriageReturn < start) carriageReturn = text.indexOf('\r', start);
      if (this.#partial === '') this.#line(text, lineStart, end);
      else {
        const line = this.#partial + text.slice(lineStart, end);
        this.#partial = '';
        this.#line(line, 0, line.length);
      }
    }
    // A long line arriving in many pieces: V8 joins the pieces lazily (a rope) and flattens it once.
    if (start < length && !this.#finished) this.#partial += start === 0 ? text : text.slice(start);
    if (this.#partial.length + (this.#data?.length ?? 0) > this.#maxEventChars) throw new EventTooLargeError(this.#maxEventChars);
  }

  /** The line of `text` from `start` to `end` (its line ending excluded). */
  #line(text: string, start: number, end: number): void {
    if (start === end) {
      this.#dispatch();
      return;
    }
    const colon = findColon(text, start, end);
    if (colon === start) {
      if (this.#onComment !== undefined) this.#onComment(fieldValue(text, colon, end));
      return;
    }
    const nameEnd = colon === -1 ? end : colon;
    if (isField(text, start, nameEnd, 'data')) {
      const value = colon === -1 ? '' : fieldValue(text, colon, end);
      this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
    } else if (isField(text, start, nameEnd, 'event')) {
      this.#event = (colon === -1 ? '' : fieldValue(text, colon, end)) || undefined;
    }
    // `id`, `retry` and unknown fields are ignored.
  }

  #dispatch(): void {
    const data = this.#data;
    const event = this.#event;
    this.#data = undefined;
    this.#event = undefined;
    if (data === undefined) return;
    if (isDoneMarker(data)) {
      this.#finished = true;
      this.#partial = '';
      return;
    }
    if (this.#onData !== undefined) this.#onData(data, event);
    else for (const parsed of classifyEventData(data, event)) this.#pending.push(parsed);
  }
}
