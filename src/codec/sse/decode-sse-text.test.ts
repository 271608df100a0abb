import { describe, it, expect } from 'vitest';
import { SseTextDecoder } from './decode-sse-text.ts';
import { decodeStreamText } from './decode-stream.ts';
import { EventTooLargeError, type StreamEvent } from './stream-event.ts';

function dataOf(events: StreamEvent[]): string[] {
  return events.map((event) => event.data);
}

function oneCharacterAtATime(body: string): string[] {
  return Array.from({ length: body.length }, (_, index) => body.charAt(index));
}

function text(data: string, event?: string): StreamEvent {
  return { kind: 'text', event, data };
}

describe('SSE line endings', () => {
  it.each([
    ['LF', 'data: a\n\ndata: b\n\n'],
    ['CRLF', 'data: a\r\n\r\ndata: b\r\n\r\n'],
    ['CR', 'data: a\r\rdata: b\r\r'],
    ['mixed', 'data: a\r\n\ndata: b\n\r'],
  ])('splits events on %s line endings', (_name, body) => {
    expect(decodeStreamText([body])).toEqual([text('a'), text('b')]);
  });

  it('treats a CR at the end of one read and an LF at the start of the next as one line ending', () => {
    expect(decodeStreamText(['data: B\r', '\n', 'data: C\r\n', '\r\n'])).toEqual([text('B\nC')]);
  });

  it('decodes the same events when a CRLF stream arrives one character at a time', () => {
    const body = 'event: a\r\ndata: x\r\ndata: y\r\n\r\n: c\r\ndata: {"x":3}\r\n\r\n';
    expect(decodeStreamText(oneCharacterAtATime(body))).toEqual(decodeStreamText([body]));
    expect(decodeStreamText(oneCharacterAtATime(body))).toEqual([
      text('x\ny', 'a'),
      { kind: 'json', event: undefined, data: '{"x":3}', value: { x: 3 } },
    ]);
  });
});

describe('SSE fields', () => {
  it('reads data with no space after the colon, as TGI ≤ 2.0.4 and DashScope native write it', () => {
    expect(decodeStreamText(['data:{"a":1}\n\ndata:x\n\n'])).toEqual([
      { kind: 'json', event: undefined, data: '{"a":1}', value: { a: 1 } },
      text('x'),
    ]);
  });

  it('removes only one space after the colon', () => {
    expect(dataOf(decodeStreamText(['data: x\n\ndata:  x\n\n']))).toEqual(['x', ' x']);
  });

  it('joins multi-line data with LF', () => {
    expect(decodeStreamText(['data: YHOO\ndata: +2\ndata: 10\n\n'])).toEqual([text('YHOO\n+2\n10')]);
  });

  it('dispatches an empty data field as an empty text event', () => {
    expect(decodeStreamText(['data:\n\n'])).toEqual([text('')]);
  });

  it('keeps the event name and leaves it undefined when absent or empty', () => {
    const body = 'event: message_start\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n';
    expect(decodeStreamText([body]).map((event) => event.event)).toEqual(['message_start', undefined, undefined]);
  });

  it('ignores id and retry fields, valid or not', () => {
    expect(decodeStreamText(['id: 7\nretry: 3000\ndata: 1\n\nretry: soon\nid\ndata: 2\n\n'])).toEqual([
      { kind: 'json', event: undefined, data: '1', value: 1 },
      { kind: 'json', event: undefined, data: '2', value: 2 },
    ]);
  });

  it('ignores unknown fields, lines without a colon and fields with a leading space', () => {
    const body = 'data: a\nfoo: bar\n data: lost\nplain words\ndata: b\n\n';
    expect(decodeStreamText([body])).toEqual([text('a\nb')]);
  });

  it('dispatches nothing for an event name without data', () => {
    expect(decodeStreamText(['event: foo\n\n', 'id: 1\n\n'])).toEqual([]);
  });
});

describe('SSE comments', () => {
  it('never turns a comment into an event and reports each to onComment', () => {
    const comments: string[] = [];
    const body = ':\n\n: keep-alive\n\ndata: 1\n: OPENROUTER PROCESSING\n:HTTP_STATUS/200\n\n';
    const events = decodeStreamText([body], { onComment: (comment) => comments.push(comment) });
    expect(dataOf(events)).toEqual(['1']);
    expect(comments).toEqual(['', 'keep-alive', 'OPENROUTER PROCESSING', 'HTTP_STATUS/200']);
  });

  it('reads a comment split across reads as one comment', () => {
    const comments: string[] = [];
    decodeStreamText([': keep', '-al', 'ive\r', '\ndata: x\n\n'], { onComment: (comment) => comments.push(comment) });
    expect(comments).toEqual(['keep-alive']);
  });

  it('ignores comments when no onComment is given', () => {
    expect(dataOf(decodeStreamText([': keep-alive\n\n: ', 'x\ndata: 1\n\n']))).toEqual(['1']);
  });
});

describe('SSE byte order mark', () => {
  it('strips one leading BOM', () => {
    expect(decodeStreamText(['\uFEFFdata: a\n\n'])).toEqual([text('a')]);
  });

  it('strips a leading BOM whose bytes arrive in separate reads', () => {
    const encoded = new TextEncoder().encode('data: a\n\n');
    const chunks = [Uint8Array.of(0xef), Uint8Array.of(0xbb), Uint8Array.of(0xbf), encoded];
    expect(decodeStreamText(chunks)).toEqual([text('a')]);
  });

  it('keeps a second BOM, which makes its line an unknown field', () => {
    expect(decodeStreamText(['\uFEFF\uFEFFdata: a\n\ndata: b\n\n'])).toEqual([text('b')]);
    expect(decodeStreamText(['data: a\n\n\uFEFFdata: b\n\n'])).toEqual([text('a')]);
  });
});

describe('SSE tolerant extras', () => {
  it.each([['data: [DONE]'], ['data:[DONE]']])('ends the stream at %s without yielding it', (done) => {
    const body = `data: {"a":1}\n\n${done}\n\ndata: {"b":2}\n\n`;
    expect(dataOf(decodeStreamText([body]))).toEqual(['{"a":1}']);
  });

  it('ends at EOF when no [DONE] arrives', () => {
    expect(dataOf(decodeStreamText(['data: 1\n\n', 'data: 2\n\n']))).toEqual(['1', '2']);
  });

  it.each([
    ['no line ending', 'data: 2'],
    ['one LF', 'data: 2\n'],
    ['one CR', 'data: 2\r'],
    ['one CRLF', 'data: 2\r\n'],
  ])('dispatches a last event with %s before EOF', (_name, last) => {
    expect(dataOf(decodeStreamText(['data: 1\n\n', last]))).toEqual(['1', '2']);
  });

  it('recognises [DONE] in a last event without its blank line', () => {
    expect(dataOf(decodeStreamText(['data: 1\n\ndata: [DONE]']))).toEqual(['1']);
  });

  it('yields one JSON event per line when two JSON objects share one event', () => {
    expect(decodeStreamText(['event: x\ndata: {"a":1}\ndata: {"b":2}\n\n'])).toEqual([
      { kind: 'json', event: 'x', data: '{"a":1}', value: { a: 1 } },
      { kind: 'json', event: 'x', data: '{"b":2}', value: { b: 2 } },
    ]);
  });

  it('keeps multi-line data whole when one of its lines is not JSON', () => {
    expect(decodeStreamText(['data: {"a":1}\ndata: {oops}\n\n'])).toEqual([text('{"a":1}\n{oops}')]);
  });

  it('parses JSON spread over several data lines as one value', () => {
    expect(decodeStreamText(['data: {\ndata: "a":\ndata:\ndata: true}\n\n'])).toEqual([
      { kind: 'json', event: undefined, data: '{\n"a":\n\ntrue}', value: { a: true } },
    ]);
  });

  it('yields unparsable data as a text event for the provider to judge', () => {
    expect(decodeStreamText(['data: {unparsable}\n\n'])).toEqual([text('{unparsable}')]);
  });

  it('passes Azure\'s prompt-filter preamble and annotation chunks without delta through untouched', () => {
    // Azure OpenAI (wire-formats §0.3, §0.4): choices [] first; a choice without delta after.
    const preamble = {
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: [
        { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } },
      ],
    };
    const annotation = {
      id: 'chatcmpl-1',
      choices: [{ index: 0, finish_reason: null, content_filter_results: { violence: { filtered: false } } }],
    };
    const body = [preamble, annotation].map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('');
    expect(decodeStreamText([body, 'data: [DONE]\n\n']).map((event) => event.kind === 'json' && event.value)).toEqual([
      preamble,
      annotation,
    ]);
  });

  it('yields a mid-stream error object as an ordinary JSON event', () => {
    const error = { error: { message: 'Input validation error', http_status_code: 422 } };
    const body = `data: {"choices":[]}\n\ndata: ${JSON.stringify(error)}\n\ndata: [DONE]\n\n`;
    expect(decodeStreamText([body])).toMatchObject([{ value: { choices: [] } }, { kind: 'json', value: error }]);
  });

  it('does not treat U+2028 or U+2029 inside JSON as a line ending', () => {
    const events = decodeStreamText(['data: {"t":"a\u2028b\u2029c"}\n\n']);
    expect(events).toEqual([
      { kind: 'json', event: undefined, data: '{"t":"a\u2028b\u2029c"}', value: { t: 'a\u2028b\u2029c' } },
    ]);
  });
});

describe('SseTextDecoder, one object per stream', () => {
  const body = 'event: a\r\ndata: x\r\ndata\r\n\r\n: note\rid: 1\rretry: 5\r\rdata:{"y":2}\n\n\uFEFFdata: bom\ndata:  two\n\n';
  const expected = [text('x\n', 'a'), { kind: 'json', event: undefined, data: '{"y":2}', value: { y: 2 } }, text(' two')];

  function decodeInPieces(pieces: string[], comments: string[] = []): StreamEvent[] {
    const decoder = new SseTextDecoder({ onComment: (comment) => comments.push(comment) });
    const events = pieces.flatMap((piece) => decoder.push(piece));
    return [...events, ...decoder.end()];
  }

  it('decodes the same events wherever the text is cut in two or three', () => {
    for (let first = 0; first <= body.length; first += 1) {
      expect(decodeInPieces([body.slice(0, first), body.slice(first)])).toEqual(expected);
      const second = Math.min(body.length, first + 3);
      expect(decodeInPieces([body.slice(0, first), body.slice(first, second), body.slice(second)])).toEqual(expected);
    }
  });

  it('reports comments once, whichever line ending ends them', () => {
    const comments: string[] = [];
    decodeInPieces([': one\r', '\n:two\r:  three\n'], comments);
    expect(comments).toEqual(['one', 'two', ' three']);
  });

  it('joins a data line that arrives in many small reads', () => {
    const value = 'v'.repeat(70_000);
    const pieces = ['data: ', ...Array.from({ length: 700 }, () => 'v'.repeat(100)), '\n\n'];
    expect(decodeInPieces(pieces)).toEqual([text(value)]);
  });

  it('stops at [DONE]: later events and comments are not read', () => {
    const comments: string[] = [];
    expect(decodeInPieces(['data: 1\n\ndata: [DONE]\n\n: late\ndata: 2\n\n'], comments)).toEqual([{ kind: 'json', event: undefined, data: '1', value: 1 }]);
    expect(comments).toEqual([]);
  });
});

describe('a cap on one event', () => {
  const capOf = (run: () => unknown): unknown => {
    try {
      run();
    } catch (error) {
      return error instanceof EventTooLargeError ? error.maxEventChars : error;
    }
    return 'no error';
  };

  it('throws EventTooLargeError once one unfinished line outgrows the cap, across reads', () => {
    const decoder = new SseTextDecoder({ maxEventChars: 100 });
    expect(decoder.push(`data: ${'x'.repeat(60)}`)).toEqual([]);
    expect(capOf(() => decoder.push('x'.repeat(60)))).toBe(100);
  });

  it('counts an event\'s data lines together, and starts again after each event', () => {
    const decoder = new SseTextDecoder({ maxEventChars: 100 });
    const line = `data: ${'y'.repeat(40)}\n`;
    expect(decoder.push(line + line)).toEqual([]);
    expect(capOf(() => decoder.push(line + line))).toBe(100);
    const fresh = new SseTextDecoder({ maxEventChars: 100 });
    for (let index = 0; index < 10; index += 1) expect(dataOf(fresh.push(`${line}\n`))).toEqual(['y'.repeat(40)]);
  });

  it('bounds leading whitespace before the first field, and defaults to 32 MiB characters', () => {
    expect(capOf(() => decodeStreamText([' '.repeat(33 * 1024 * 1024)]))).toBe(32 * 1024 * 1024);
    const within = `data: ${'z'.repeat(1024 * 1024)}\n\n`;
    expect(dataOf(decodeStreamText([within]))).toEqual(['z'.repeat(1024 * 1024)]);
  });
});
