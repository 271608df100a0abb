import { describe, expect, it } from 'vitest';
import { liveHeapBytes } from '../../../test/support/collect-garbage.ts';
import type { ChatStreamParser } from '../types.ts';
import { createChatStreamParser } from './parse-stream.ts';

function chunkData(stream: number): string {
  return JSON.stringify({ id: `chatcmpl-${String(stream)}`, object: 'chat.completion.chunk', created: 1, model: 'm', system_fingerprint: 'fp_1', choices: [{ index: 0, delta: { content: 'hello there' }, finish_reason: null }] });
}

// A held stream keeps its parser to its end (docs/benchmarks.md, "Held stream, round nine").
describe('the OpenAI stream parser while a stream is held', () => {
  it('shares its methods between streams', () => {
    const one = createChatStreamParser({ channel: 'a' });
    const other = createChatStreamParser({ channel: 'b' });
    // No function of its own: its methods are its prototype's, one set for every stream.
    expect(Object.keys(one)).toEqual([]);
    expect(Object.getPrototypeOf(one)).toBe(Object.getPrototypeOf(other));
  });

  it('keeps under 800 bytes a stream after its first plain chunk', () => {
    const streams = 5_000;
    const context = { channel: 'up' };
    // Warmed first: the first calls allocate the functions' feedback and code, once for every stream.
    for (let stream = 0; stream < 500; stream += 1) createChatStreamParser(context).scanPlain?.(chunkData(stream));
    const before = liveHeapBytes();
    const parsers: ChatStreamParser[] = [];
    for (let stream = 0; stream < streams; stream += 1) {
      const parser = createChatStreamParser(context);
      if (parser.scanPlain?.(chunkData(stream)) === undefined) throw new Error('the test chunk is not plain');
      parsers.push(parser);
    }
    const perStream = (liveHeapBytes() - before) / streams;
    // ~1,330 bytes as an object of four closures with an eager tool-call Map, ~880 as a class with it, ~660 now.
    expect(perStream).toBeLessThan(800);
    expect(parsers[7]?.sameButContent?.(chunkData(7).replace('hello there', 'more'))).toEqual({ index: 0, content: 'more' });
  });
});
