// SSE text → events. eventsource-parser applies the WHATWG rules (CR/LF/CRLF, a CR split from its
// LF across feeds, `data:` with or without one space, comments, `event`/`id`/`retry`, unknown
// fields); this file adds the tolerant extras upstreams need.

import { createParser } from 'eventsource-parser';
import { classifyEventData, isDoneMarker } from '../../../src/codec/sse/classify-event-data.ts';
import type { DecodeOptions, EventDecoder, StreamEvent } from '../../../src/codec/sse/stream-event.ts';

/**
 * Decodes SSE text whose one leading BOM the caller has already removed (decode-body-text.ts):
 * the parser's own BOM check is completed with a no-op blank line, so a second BOM stays content
 * and turns its line into an unknown field, as WHATWG says.
 */
export function createSseTextDecoder(options: DecodeOptions = {}): EventDecoder<string> {
  let pending: StreamEvent[] = [];
  let finished = false;
  const { onComment } = options;
  const parser = createParser({
    onEvent(message) {
      if (finished) return;
      if (isDoneMarker(message.data)) {
        finished = true;
        return;
      }
      for (const event of classifyEventData(message.data, message.event)) pending.push(event);
    },
    // Only listen when asked: without onComment the parser discards comment lines unbuffered.
    ...(onComment === undefined
      ? {}
      : {
          onComment(text: string) {
            if (!finished) onComment(text);
          },
        }),
  });
  parser.feed('\n');

  function takePending(): StreamEvent[] {
    const events = pending;
    pending = [];
    return events;
  }

  return {
    push(text) {
      if (!finished) parser.feed(text);
      return takePending();
    },
    end() {
      // WHATWG drops an event that lacks its blank line at EOF; an upstream that just closes
      // must not lose its last chunk, so EOF dispatches it. Two LFs: the first may only complete
      // a CRLF whose CR ended the body.
      if (!finished) parser.feed('\n\n');
      finished = true;
      return takePending();
    },
    isFinished() {
      return finished;
    },
  };
}
