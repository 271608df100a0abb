import { describe, expect, it } from 'vitest';
import { StreamUsageWatch, watchStreamUsage } from './watch-stream-usage.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('StreamUsageWatch', () => {
  it("keeps the usage of a transcription stream's done event, however the bytes were split", () => {
    const usage = { type: 'tokens', input_tokens: 14, output_tokens: 11, total_tokens: 25 };
    const text = `data: {"type":"transcript.text.delta","delta":"I see "}\n\ndata: {"type":"transcript.text.done","text":"I see skies","usage":${JSON.stringify(usage)}}\n\n`;
    for (const cut of [1, 17, 60, text.length - 3]) {
      const watch = new StreamUsageWatch();
      watch.push(bytes(text.slice(0, cut)));
      watch.push(bytes(text.slice(cut)));
      expect(watch.end()).toEqual(usage);
    }
  });

  it('reads a last event without its blank line, and keeps the last usage when several carry one', () => {
    const watch = new StreamUsageWatch();
    watch.push(bytes('event: image_generation.partial_image\ndata: {"type":"image_generation.partial_image","usage":{"input_tokens":1}}\n\n'));
    watch.push(bytes('data: {"type":"image_generation.completed","usage":{"input_tokens":50,"output_tokens":1056}}'));
    expect(watch.end()).toEqual({ input_tokens: 50, output_tokens: 1056 });
  });

  it('finds nothing in a stream without usage, or with a usage that is not an object or not JSON', () => {
    const watch = new StreamUsageWatch();
    watch.push(bytes('data: {"type":"speech.audio.delta","audio":"AAAA"}\n\ndata: {"usage": 3}\n\ndata: {"usage": {broken\n\n'));
    expect(watch.end()).toBeUndefined();
  });
});

describe('watchStreamUsage', () => {
  it('watches SSE answers only (audio bytes carry no usage)', () => {
    expect(watchStreamUsage('text/event-stream; charset=utf-8')).toBeInstanceOf(StreamUsageWatch);
    expect(watchStreamUsage('audio/mpeg')).toBeUndefined();
    expect(watchStreamUsage(undefined)).toBeUndefined();
  });
});

describe('StreamUsageWatch past the decoder\'s cap', () => {
  it('stops reading usage, without throwing, once one event outgrows the cap (32 MiB characters)', () => {
    const watch = new StreamUsageWatch();
    watch.push(bytes('data: {"usage":{"input_tokens":1}}\n\ndata: '));
    expect(() => { watch.push(new Uint8Array(33 * 1024 * 1024).fill(0x61)); }).not.toThrow();
    expect(() => { watch.push(bytes('\n\ndata: {"usage":{"input_tokens":2}}\n\n')); }).not.toThrow();
    expect(watch.end()).toEqual({ input_tokens: 1 });
  });
});
