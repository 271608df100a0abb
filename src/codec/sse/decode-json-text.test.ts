import { describe, it, expect } from 'vitest';
import { createStreamDecoder, decodeStreamText } from './decode-stream.ts';
import type { StreamEvent } from './stream-event.ts';

function json(value: unknown, data = JSON.stringify(value)): StreamEvent {
  return { kind: 'json', event: undefined, data, value };
}

// Ollama native /api/chat, shortened from docs/api.md (wire-formats §2.7).
const ollamaLines = [
  { model: 'llama3.2', message: { role: 'assistant', content: 'The' }, done: false },
  { model: 'llama3.2', message: { role: 'assistant', content: ' sky' }, done: false },
  { model: 'llama3.2', message: { role: 'assistant', content: '' }, done: true, eval_count: 282 },
];

describe('NDJSON bodies', () => {
  it('yields one JSON event per line', () => {
    const body = ollamaLines.map((line) => `${JSON.stringify(line)}\n`).join('');
    expect(decodeStreamText([body])).toEqual(ollamaLines.map((line) => json(line)));
  });

  it('yields a last line that has no newline at EOF', () => {
    const [first, second] = ollamaLines;
    expect(decodeStreamText([`${JSON.stringify(first)}\n${JSON.stringify(second)}`])).toEqual([
      json(first),
      json(second),
    ]);
  });

  it('reads lines split anywhere across reads, with CRLF endings and blank lines between', () => {
    const body = '{"a":1}\r\n\r\n{"b":2}\r\n';
    const pieces = [body.slice(0, 5), body.slice(5, 8), body.slice(8, 14), body.slice(14)];
    expect(decodeStreamText(pieces)).toEqual([json({ a: 1 }), json({ b: 2 })]);
  });

  it('yields each line as soon as its newline arrives', () => {
    const decoder = createStreamDecoder();
    const encoder = new TextEncoder();
    expect(decoder.push(encoder.encode('{"a":1}\n{"b"'))).toEqual([json({ a: 1 })]);
    expect(decoder.push(encoder.encode(':2}\n'))).toEqual([json({ b: 2 })]);
    expect(decoder.end()).toEqual([]);
  });

  it('yields a mid-stream error line as an ordinary JSON event', () => {
    const body = '{"done":false}\n{"error":"an error was encountered while running the model"}\n';
    expect(decodeStreamText([body])).toEqual([
      json({ done: false }),
      json({ error: 'an error was encountered while running the model' }),
    ]);
  });
});

describe('single JSON document bodies', () => {
  const completion = { id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0 }] };

  it('yields a pretty-printed document as one event at EOF', () => {
    const body = JSON.stringify(completion, null, 2);
    const events = decodeStreamText([body.slice(0, 20), body.slice(20)]);
    expect(events).toEqual([json(completion, body)]);
  });

  it('ignores blank lines before the body, as DeepSeek sends under load', () => {
    const body = JSON.stringify(completion, null, 2);
    expect(decodeStreamText(['\n', '\n\n', ' \r\n', body])).toEqual([json(completion, body)]);
  });

  it('reads a body that is a JSON array', () => {
    expect(decodeStreamText(['[\n  {"a": 1},\n  {"b": 2}\n]\n'])).toEqual([
      json([{ a: 1 }, { b: 2 }], '[\n  {"a": 1},\n  {"b": 2}\n]'),
    ]);
  });

  it('strips a leading BOM before a JSON body', () => {
    expect(decodeStreamText(['\uFEFF{"a":1}'])).toEqual([json({ a: 1 })]);
  });

  it('yields a body that is not valid JSON as one text event', () => {
    expect(decodeStreamText(['{"error": \n  "truncated'])).toEqual([
      { kind: 'text', event: undefined, data: '{"error": \n  "truncated' },
    ]);
  });

  it('yields nothing for a body of only whitespace', () => {
    expect(decodeStreamText(['\n\n', '  \r\n'])).toEqual([]);
  });
});

describe('telling SSE from JSON', () => {
  it('reads a body as SSE when keep-alive comments come before data', () => {
    expect(decodeStreamText([': keep-alive\n\n', ': keep-alive\n\n', 'data: {"a":1}\n\n'])).toEqual([
      json({ a: 1 }),
    ]);
  });

  it('reads a body as SSE when blank lines come before data', () => {
    expect(decodeStreamText(['\n', '\r\n', 'data: {"a":1}\n\n'])).toEqual([json({ a: 1 })]);
  });

  it('keeps SSE semantics for spaces before the first field', () => {
    expect(decodeStreamText(['\n  ', 'data: lost\n\ndata: 1\n\n'])).toEqual([json(1)]);
  });
});
