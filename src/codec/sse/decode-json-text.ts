// A JSON body where SSE was expected: NDJSON (Ollama native `/api/chat`, wire-formats §2.7) or one
// JSON document, possibly pretty-printed over many lines (a JSON answer to a stream request).

import { parseJson } from './classify-event-data.ts';
import type { EventDecoder, StreamEvent } from './stream-event.ts';

function toJsonOrTextEvent(text: string): StreamEvent {
  const data = text.trim();
  const parsed = parseJson(data);
  return parsed === undefined
    ? { kind: 'text', event: undefined, data }
    : { kind: 'json', event: undefined, data, value: parsed.value };
}

/**
 * Each complete line that parses is one event, yielded as soon as its newline arrives. The first
 * line that does not parse means the body is one multi-line document: from that line on,
 * everything is kept and parsed whole at EOF. Pieces are kept as arrays and joined once, so a
 * line of any length costs linear time.
 */
export function createJsonTextDecoder(): EventDecoder<string> {
  const lineFragments: string[] = [];
  let documentFragments: string[] | undefined;

  function pushLines(text: string): StreamEvent[] {
    const events: StreamEvent[] = [];
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      lineFragments.push(text.slice(start, newline));
      const line = lineFragments.join('');
      lineFragments.length = 0;
      start = newline + 1;
      newline = text.indexOf('\n', start);
      if (line.trim() === '') continue;
      const parsed = parseJson(line);
      if (parsed === undefined) {
        documentFragments = [line, '\n', text.slice(start)];
        return events;
      }
      events.push({ kind: 'json', event: undefined, data: line.trim(), value: parsed.value });
    }
    if (start < text.length) lineFragments.push(text.slice(start));
    return events;
  }

  return {
    push(text) {
      if (documentFragments === undefined) return pushLines(text);
      documentFragments.push(text);
      return [];
    },
    end() {
      const rest = (documentFragments ?? lineFragments).join('');
      documentFragments = undefined;
      lineFragments.length = 0;
      return rest.trim() === '' ? [] : [toJsonOrTextEvent(rest)];
    },
    isFinished() {
      return false;
    },
  };
}
