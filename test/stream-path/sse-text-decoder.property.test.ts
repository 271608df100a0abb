// The SSE decoder of src/codec/sse/decode-sse-text.ts (a class of our own) against the one it replaced,
// eventsource-parser behind test/support/old-stream-path/decode-sse-text.ts, for random SSE texts —
// every line kind WHATWG names (data with and without its space, empty data, `data` without a colon,
// event, id, retry, comments, unknown fields, a leading space, a BOM mid-stream), CR, LF and CRLF
// endings, `[DONE]`, lines longer than a read — cut at random points, CRs split from their LFs.
import { describe, expect, it } from 'vitest';
import { classifyEventData } from '../../src/codec/sse/classify-event-data.ts';
import { SseTextDecoder } from '../../src/codec/sse/decode-sse-text.ts';
import type { DecodeOptions, EventDecoder, StreamEvent } from '../../src/codec/sse/stream-event.ts';
import { createSseTextDecoder as createReferenceDecoder } from '../support/old-stream-path/decode-sse-text.ts';
import { pick, seededRandom, type Random } from './generate-upstream-stream.ts';

const values = ['', ' ', 'x', ' x', '  two spaces', '{"a":1}', ' {"b":[1,2]}', '[DONE]', ' [DONE]', 'a:b: c', '你好 😀', '\uFEFFbom', 'done', ' tail '];
const names = ['data', 'event', 'id', 'retry', 'foo', ' data', 'Data', 'dat', 'data ', 'eventx', '\uFEFFdata', ''];

function randomLine(random: Random): string {
  const roll = random();
  if (roll < 0.35) return `data:${pick(random, values)}`;
  if (roll < 0.45) return `event:${pick(random, values)}`;
  if (roll < 0.5) return pick(random, ['data', 'event', 'id', 'retry']);
  if (roll < 0.6) return `:${pick(random, values)}`;
  if (roll < 0.7) return `${pick(random, names)}:${pick(random, values)}`;
  if (roll < 0.75) return `data: ${'long '.repeat(40 + Math.floor(random() * 200))}`;
  if (roll < 0.8) return `retry: ${pick(random, ['3000', 'soon', ''])}`;
  return '';
}

function randomText(random: Random): string {
  const lineEnd = pick(random, ['\n', '\r\n', '\r', 'mixed']);
  let text = '';
  const lines = 1 + Math.floor(random() * 30);
  for (let index = 0; index < lines; index += 1) {
    text += randomLine(random);
    text += lineEnd === 'mixed' ? pick(random, ['\n', '\r\n', '\r']) : lineEnd;
  }
  // Sometimes the body ends mid-line, or without the blank line of its last event.
  if (random() < 0.3) text += randomLine(random);
  return text;
}

function randomCuts(random: Random, text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    // Mostly short reads; sometimes a cut right after a CR, so its LF starts the next read.
    const carriageReturn = text.indexOf('\r', start);
    const end = carriageReturn !== -1 && random() < 0.3 ? carriageReturn + 1 : start + 1 + Math.floor(random() * (random() < 0.2 ? 400 : 12));
    pieces.push(text.slice(start, end));
    start = end;
  }
  if (random() < 0.2) pieces.splice(Math.floor(random() * pieces.length), 0, '');
  return pieces;
}

interface Decoded {
  events: StreamEvent[];
  comments: string[];
  data: Array<[string, string | undefined]>;
  finished: boolean[];
}

function run(decoder: (options: DecodeOptions) => EventDecoder<string>, pieces: string[], mode: 'events' | 'data'): Decoded {
  const decoded: Decoded = { events: [], comments: [], data: [], finished: [] };
  const options: DecodeOptions = { onComment: (text) => decoded.comments.push(text) };
  if (mode === 'data') options.onData = (data, event) => decoded.data.push([data, event]);
  const instance = decoder(options);
  for (const piece of pieces) {
    decoded.events.push(...instance.push(piece));
    decoded.finished.push(instance.isFinished());
  }
  decoded.events.push(...instance.end());
  decoded.finished.push(instance.isFinished());
  return decoded;
}

describe('SseTextDecoder against eventsource-parser', () => {
  it('decodes the same events, data and comments for random texts and random read cuts', () => {
    const random = seededRandom(20261202);
    let events = 0;
    for (let round = 0; round < 1500; round += 1) {
      const text = randomText(random);
      const pieces = randomCuts(random, text);
      const mode = random() < 0.5 ? 'events' : 'data';
      const ours = run((options) => new SseTextDecoder(options), pieces, mode);
      // The reference has no onData: each event's data handed on is what it classifies into events.
      const reference = run(createReferenceDecoder, pieces, 'events');
      const oursAsEvents = mode === 'events' ? ours.events : ours.data.flatMap(([data, event]) => classifyEventData(data, event));
      expect({ text, events: oursAsEvents, comments: ours.comments, finished: ours.finished }).toEqual({ text, events: reference.events, comments: reference.comments, finished: reference.finished });
      if (mode === 'data') expect(ours.events).toEqual([]);
      // The same text in one read gives the same events.
      expect(run((options) => new SseTextDecoder(options), [text], 'events').events).toEqual(reference.events);
      events += reference.events.length;
    }
    // The generator reaches real events, not only texts that dispatch nothing.
    expect(events).toBeGreaterThan(3000);
  });
});
