// The console's SSE reading (web/src/lib/sse.ts), data in and data out: the transcripts it shows
// come from real upstreams, framed every way Sluice's own decoder accepts (docs/design.md problem 2).
import { describe, expect, it } from 'vitest';
import { looksLikeSse, parseSseTranscript, SseReader, summarizeChunk } from '../../web/src/lib/sse.ts';

const chunk = (content: string): string => JSON.stringify({ choices: [{ index: 0, delta: { content } }] });

describe('the console reading an SSE transcript', () => {
  it('reads data lines with or without the space, CRLF and bare CR line ends, comments and a BOM', () => {
    const transcript = `\uFEFF: keep-alive\r\n\r\ndata:${chunk('He')}\r\rdata: ${chunk('llo')}\n\nevent: done\ndata: [DONE]\n\n`;
    const events = parseSseTranscript(transcript);
    expect(events.map((event) => event.data)).toEqual(['', chunk('He'), chunk('llo'), '[DONE]']);
    expect(events[0]?.comments).toEqual(['keep-alive']);
    expect(events[3]?.event).toBe('done');
  });

  it('joins multi-line data with a newline', () => {
    expect(parseSseTranscript('data: a\ndata: b\n\n').map((event) => event.data)).toEqual(['a\nb']);
  });

  it('gives the same events when the text arrives in pieces split anywhere', () => {
    const transcript = `data: ${chunk('Hello')}\r\n\r\ndata: ${chunk(' world')}\r\n\r\ndata: [DONE]\r\n\r\n`;
    const reader = new SseReader();
    const events = [];
    for (let start = 0; start < transcript.length; start += 7) events.push(...reader.push(transcript.slice(start, start + 7)));
    events.push(...reader.finish());
    expect(events.map((event) => event.data)).toEqual(parseSseTranscript(transcript).map((event) => event.data));
  });

  it('keeps an event the stream ended without a blank line after', () => {
    const reader = new SseReader();
    expect(reader.push(`data: ${chunk('x')}`)).toEqual([]);
    expect(reader.finish().map((event) => event.data)).toEqual([chunk('x')]);
  });

  it('summarizes a chunk: text, reasoning, tool-call pieces, finish reason and usage', () => {
    const data = JSON.stringify({
      choices: [{ index: 0, delta: { content: 'Hi', reasoning_content: 'think', tool_calls: [{ index: 0, function: { name: 'get', arguments: '{"a"' } }] }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
    expect(summarizeChunk(data)).toMatchObject({ content: 'Hi', reasoning: 'think', toolCalls: 'get{"a"', finishReason: 'stop', usage: 'prompt 3 · completion 2', unknown: false });
  });

  it('shows an in-band error in the upstream’s words, whatever its shape', () => {
    expect(summarizeChunk('{"error": {"message": "overloaded"}}').error).toBe('overloaded');
    expect(summarizeChunk('{"error": "Argument not supported: stream_options"}').error).toBe('Argument not supported: stream_options');
  });

  it('marks [DONE] and text that is not JSON', () => {
    expect(summarizeChunk('[DONE]').done).toBe(true);
    expect(summarizeChunk('not json').unknown).toBe(true);
  });

  it('tells an SSE transcript from a JSON body', () => {
    expect(looksLikeSse('data: {}\n\n')).toBe(true);
    expect(looksLikeSse(': keep-alive\n\ndata: {}\n\n')).toBe(true);
    // DeepSeek sends blank lines before a non-stream JSON body while it thinks.
    expect(looksLikeSse('\n\n{"id": 1}')).toBe(false);
    expect(looksLikeSse('{"choices": []}')).toBe(false);
    expect(looksLikeSse('{"choices": []}', { 'Content-Type': 'text/event-stream' })).toBe(true);
  });
});
