// Body text → events, whatever the body turns out to be. The first significant character decides:
// `{` or `[` is a JSON body (NDJSON or one document), anything else is SSE (a `:` comment, `data:`,
// `event:` …).

import { createJsonTextDecoder } from '../../../src/codec/sse/decode-json-text.ts';
import { createSseTextDecoder } from './decode-sse-text.ts';
import type { DecodeOptions, EventDecoder } from '../../../src/codec/sse/stream-event.ts';

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
 * spaces at the start of the current line still make it an unknown field.
 */
export function createBodyTextDecoder(options: DecodeOptions = {}): EventDecoder<string> {
  let sawFirstCharacter = false;
  let leadingWhitespace = '';
  let decoder: EventDecoder<string> | undefined;

  return {
    push(text) {
      if (decoder !== undefined) return decoder.push(text);
      if (!sawFirstCharacter && text !== '') {
        sawFirstCharacter = true;
        // WHATWG strips exactly one leading BOM; a later one is content.
        if (text.startsWith(BOM)) text = text.slice(1);
      }
      const start = text.search(SIGNIFICANT_CHARACTER);
      if (start === -1) {
        leadingWhitespace = keepCurrentLine(leadingWhitespace + text);
        return [];
      }
      if (isJsonStart(text[start])) {
        decoder = createJsonTextDecoder();
        return decoder.push(text.slice(start));
      }
      decoder = createSseTextDecoder(options);
      const sseText = leadingWhitespace + text;
      leadingWhitespace = '';
      return decoder.push(sseText);
    },
    end() {
      return decoder === undefined ? [] : decoder.end();
    },
    isFinished() {
      return decoder !== undefined && decoder.isFinished();
    },
  };
}
