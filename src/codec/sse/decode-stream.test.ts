import { describe, it, expect } from 'vitest';
import { decodeStream, decodeStreamText } from './decode-stream.ts';
import type { StreamEvent } from './stream-event.ts';

const encoder = new TextEncoder();

/** A body that delivers each chunk on its own turn of the event loop, like a socket. */
async function* bodyOf(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of decodeStream(body)) events.push(event);
  return events;
}

function splitAt(bytes: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const bounds = [0, ...offsets, bytes.length];
  return bounds.slice(1).map((end, index) => bytes.slice(bounds[index], end));
}

describe('UTF-8 across reads', () => {
  it('decodes a 4-byte emoji split 1+3 across reads', async () => {
    const bytes = encoder.encode('data: {"t":"😀"}\n\n');
    const emojiStart = bytes.indexOf(0xf0);
    const events = await collect(bodyOf(splitAt(bytes, emojiStart + 1)));
    expect(events).toEqual([{ kind: 'json', event: undefined, data: '{"t":"😀"}', value: { t: '😀' } }]);
  });

  it('decodes CJK split inside characters, one byte per read', async () => {
    const bytes = encoder.encode('data: 你好\n\ndata: 世界\n\n');
    const everyByte = Array.from({ length: bytes.length - 1 }, (_, index) => index + 1);
    const events = await collect(bodyOf(splitAt(bytes, ...everyByte)));
    expect(events.map((event) => event.data)).toEqual(['你好', '世界']);
  });

  it('decodes split characters in an NDJSON body', () => {
    const bytes = encoder.encode('{"t":"é你😀"}\n');
    expect(decodeStreamText(splitAt(bytes, 7, 9, 12, 14))).toEqual([
      { kind: 'json', event: undefined, data: '{"t":"é你😀"}', value: { t: 'é你😀' } },
    ]);
  });
});

describe('incremental decoding', () => {
  it('yields an event before the body ends', async () => {
    let releaseBody = (): void => undefined;
    const bodyPaused = new Promise<void>((resolve) => {
      releaseBody = resolve;
    });
    async function* body(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('data: {"n":1}\n\n');
      await bodyPaused;
      yield encoder.encode('data: {"n":2}\n\n');
    }
    const events = decodeStream(body());
    const first = await events.next();
    expect(first.value).toMatchObject({ value: { n: 1 } });
    releaseBody();
    const rest: StreamEvent[] = [];
    for await (const event of events) rest.push(event);
    expect(rest).toMatchObject([{ value: { n: 2 } }]);
  });

  it('stops decoding at [DONE] and drains the rest of the body without decoding it', async () => {
    const read: string[] = [];
    let released = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (const piece of ['data: 1\n\n', 'data: [DONE]\n\n', 'data: 2\n\n']) {
          await Promise.resolve();
          read.push(piece);
          yield encoder.encode(piece);
        }
      } finally {
        released = true;
      }
    }
    expect((await collect(body())).map((event) => event.data)).toEqual(['1']);
    for (let turn = 0; turn < 10 && !released; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(read).toEqual(['data: 1\n\n', 'data: [DONE]\n\n', 'data: 2\n\n']);
    expect(released).toBe(true);
  });

  it('releases the body when the consumer stops early', async () => {
    let released = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          await Promise.resolve();
          yield encoder.encode('data: 1\n\n');
        }
      } finally {
        released = true;
      }
    }
    for await (const event of decodeStream(body())) {
      expect(event.data).toBe('1');
      break;
    }
    expect(released).toBe(true);
  });

  it('reports comments to onComment while decoding a stream', async () => {
    const comments: string[] = [];
    const events = decodeStream(bodyOf([encoder.encode(': keep-alive\n\ndata: x\n\n')]), {
      onComment: (comment) => comments.push(comment),
    });
    for await (const event of events) expect(event.data).toBe('x');
    expect(comments).toEqual(['keep-alive']);
  });

  it('passes a body error on to the reader', async () => {
    async function* body(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('data: 1\n\n');
      await Promise.resolve();
      throw new Error('socket reset');
    }
    await expect(collect(body())).rejects.toThrow('socket reset');
  });
});

describe('long lines', () => {
  const sixteenMebibytes = 16 * 1024 * 1024;
  const pieceSize = 64 * 1024;

  function piecesOf(text: string): Uint8Array[] {
    const bytes = encoder.encode(text);
    const pieces: Uint8Array[] = [];
    for (let start = 0; start < bytes.length; start += pieceSize) pieces.push(bytes.subarray(start, start + pieceSize));
    return pieces;
  }

  it.each([
    ['SSE data line', (content: string) => `data: {"content":"${content}"}\n\n`],
    ['NDJSON line', (content: string) => `{"content":"${content}"}\n`],
  ])('decodes a 16 MiB %s fed in 64 KiB pieces in linear time', async (_name, frame) => {
    const content = 'x'.repeat(sixteenMebibytes);
    const started = performance.now();
    const events = await collect(bodyOf(piecesOf(frame(content))));
    const elapsed = performance.now() - started;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'json', value: { content } });
    expect(elapsed).toBeLessThan(3000);
  });
});
