// Body text → events, whatever the body turns out to be. The first significant character decides:
// `{` or `[` is a JSON body (NDJSON or one document), anything else is SSE (a `:` comment, `data:`,
// `event:` …).

import { createJsonTextDecoder } from './decode-json-text.ts';
import { SseTextDecoder } from './decode-sse-text.ts';
import { defaultMaxEventChars, EventTooLargeError, type DecodeOptions, type EventDecoder, type StreamEvent } from './stream-event.ts';

const BOM = '\uFEFF';

/** Blank lines (DeepSeek holds a JSON answer open with them, wire-formats §2.4) and BOMs. */
const SIGNIFICANT_CHARACTER = /[^ \t\r\n\uFEFF]/;

function isJsonStart(character: string | undefined): boolean {
  return character === '{' || character === '[';
}

function keepCurrentLine(whitespace: string): string {
  return whitespace.slice(Math.max(whitespace.lastIndexOf('\n'), whitespace.lastIndexOf('\r')) + 1);
}

/**
 * Holds the leading whitespace until a significant character arrives. Only its current line is kept:
 * earlier lines are blank, and blank lines before the first field dispatch nothing in SSE, while
 * spaces at the start of the current line still make it an unknown field. A class: one object per
 * held stream, not a closure per method.
 */
export class BodyTextDecoder implements EventDecoder<string> {
  readonly #options: DecodeOptions;
  #sawFirstCharacter = false;
  #leadingWhitespace = '';
  #decoder: EventDecoder<string> | undefined = undefined;

  constructor(options: DecodeOptions = {}) {
    this.#options = options;
  }

  push(text: string): StreamEvent[] {
    if (this.#decoder !== undefined) return this.#decoder.push(text);
    if (!this.#sawFirstCharacter && text !== '') {
      this.#sawFirstCharacter = true;
      // WHATWG strips exactly one leading BOM; a later one is content.
      if (text.startsWith(BOM)) text = text.slice(1);
    }
    const start = text.search(SIGNIFICANT_CHARACTER);
    if (start === -1) {
      this.#leadingWhitespace = keepCurrentLine(this.#leadingWhitespace + text);
      const maxChars = this.#options.maxEventChars ?? defaultMaxEventChars;
      if (this.#leadingWhitespace.length > maxChars) throw new EventTooLargeError(maxChars);
      return [];
    }
    if (isJsonStart(text[start])) {
      this.#decoder = createJsonTextDecoder();
      return this.#decoder.push(text.slice(start));
    }
    this.#decoder = new SseTextDecoder(this.#options);
    const sseText = this.#leadingWhitespace + text;
    this.#leadingWhitespace = '';
    return this.#decoder.push(sseText);
  }

  end(): StreamEvent[] {
    return this.#decoder === undefined ? [] : this.#decoder.end();
  }

  isFinished(): boolean {
    return this.#decoder !== undefined && this.#decoder.isFinished();
  }
}
