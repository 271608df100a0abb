import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamLimits } from '../core/channel.ts';
import { GatewayError } from '../core/errors.ts';
import type { CallbackReader } from '../core/upstream.ts';
import { readBodyBytes } from '../lib/describe-body-text.ts';
import { StreamedAnswerBody, queuedBytesBeforePause } from './streamed-answer-body.ts';
import { UpstreamClient } from './upstream-client.ts';

const sseEvent = (index: number): string => `data: {"choices":[{"delta":{"content":"token ${String(index)}"}}]}\n\n`;
const chunkCount = 20;
const bigPiece = Buffer.alloc(16 * 1024, 'x');
const bigPieces = 2048; // 32 MiB

/** What the upstream's server managed to hand its socket of the big stream (for the backpressure test). */
let bigWritten = 0;

/** Writes the stream's events one per turn, then ends (or stops: the behaviour decides). */
function writeEvents(response: ServerResponse, count: number, then: () => void, write = (text: string): void => void response.write(text)): void {
  let index = 0;
  const next = (): void => {
    if (response.destroyed) return;
    if (index === count) {
      then();
      return;
    }
    write(sseEvent(index));
    index += 1;
    setImmediate(next);
  };
  next();
}

const sseHead = { 'content-type': 'text/event-stream' };

/** What the upstream does, by path: each way a stream can go right or wrong. */
const behaviours: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/stream': (_request, response) => {
    response.writeHead(200, sseHead);
    writeEvents(response, chunkCount, () => response.end('data: [DONE]\n\n'));
  },
  '/early-hints': (_request, response) => {
    response.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
    response.writeHead(200, sseHead);
    writeEvents(response, 2, () => response.end('data: [DONE]\n\n'));
  },
  '/error': (_request, response) => {
    response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"stream_options is not known"}}');
  },
  '/cut': (_request, response) => {
    response.writeHead(200, sseHead);
    writeEvents(response, 3, () => response.destroy());
  },
  '/idle': (_request, response) => {
    response.writeHead(200, sseHead);
    writeEvents(response, 3, () => undefined);
  },
  '/gzip': (_request, response) => {
    response.writeHead(200, { ...sseHead, 'content-encoding': 'gzip' });
    const gzip = createGzip();
    gzip.pipe(response);
    writeEvents(
      response,
      chunkCount,
      () => gzip.end('data: [DONE]\n\n'),
      (text) => {
        gzip.write(text);
        gzip.flush(zlibConstants.Z_SYNC_FLUSH);
      },
    );
  },
  '/gzip-cut': (_request, response) => {
    response.writeHead(200, { ...sseHead, 'content-encoding': 'gzip' });
    const gzip = createGzip();
    gzip.pipe(response);
    writeEvents(
      response,
      3,
      () => setTimeout(() => response.destroy(), 20),
      (text) => {
        gzip.write(text);
        gzip.flush(zlibConstants.Z_SYNC_FLUSH);
      },
    );
  },
  '/too-large': (_request, response) => {
    response.writeHead(200, sseHead);
    writeEvents(response, 200, () => response.end());
  },
  '/endless': (_request, response) => {
    response.writeHead(200, sseHead);
    writeEvents(response, 10_000, () => response.end());
  },
  '/big': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    bigWritten = 0;
    let sent = 0;
    const pump = (): void => {
      while (sent < bigPieces) {
        sent += 1;
        bigWritten += bigPiece.byteLength;
        if (!response.write(bigPiece)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end();
    };
    pump();
  },
};

let server: Server;
let base: string;
const client = new UpstreamClient();

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => behaviours[request.url ?? '']?.(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
});

const timeouts = { connectMs: 1000, firstByteMs: 2000, firstChunkMs: 2000, idleMs: 2000, totalMs: 10_000 };
const limits: UpstreamLimits = { bodyBytes: 1000, streamBytes: 4000 };
type Mode = 'dispatched' | 'requested';

function explain(error: unknown): string {
  return error instanceof GatewayError ? `${error.code}: ${error.message}` : String(error);
}

/** Every chunk of a body, read as a committed stream reads it (readInto, looping on an answer given at once). */
function readByCallbacks(reader: CallbackReader, onRead: (chunk: Uint8Array) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let waiting = false;
    const onChunk = (chunk: Uint8Array | null): void => {
      if (chunk === null) {
        resolve();
        return;
      }
      onRead(chunk);
      if (waiting) loop();
    };
    const loop = (): void => {
      waiting = false;
      let answered = true;
      while (answered) {
        answered = false;
        let now = true;
        reader.readInto(
          (chunk) => {
            if (now) answered = chunk !== null;
            onChunk(chunk);
          },
          (error) => {
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
        now = false;
        if (!answered) waiting = true;
      }
    };
    loop();
  });
}

interface Options {
  limits?: UpstreamLimits;
  signal?: AbortSignal;
  quick?: boolean;
  /** Called with each chunk read and the bytes read so far (a test's client, slow or leaving). */
  onRead?: (chunk: Uint8Array, read: number) => Promise<void> | void;
}

/**
 * The outcome of a streamed call as a caller sees it: status, headers, body text (read the way the
 * mode's body is read by a committed stream), or the error's code and words.
 */
async function outcome(path: string, mode: Mode, options: Options = {}) {
  const raw = mode === 'requested' ? { raw: Buffer.from(JSON.stringify({ model: 'm', stream: true })) } : {};
  const callTimeouts = options.quick === true ? { ...timeouts, idleMs: 100, firstByteMs: 100 } : timeouts;
  try {
    const response = await client.send(
      { url: `${base}${path}`, headers: { 'content-type': 'application/json' }, body: { model: 'm', stream: true }, ...raw },
      { channel: 'up', signal: options.signal ?? new AbortController().signal, timeouts: callTimeouts, limits: options.limits ?? limits, stream: true },
    );
    const { date: _date, ...headers } = response.headers;
    const dispatched = response.body instanceof StreamedAnswerBody;
    const chunks: Buffer[] = [];
    let read = 0;
    try {
      if (response.status >= 400) chunks.push(Buffer.from(await readBodyBytes(response.body)));
      else {
        const reader = response.body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array> & CallbackReader;
        const onRead = options.onRead;
        if (onRead === undefined)
          await readByCallbacks(reader, (chunk) => {
            chunks.push(Buffer.from(chunk));
          });
        else
          for (;;) {
            const next = await reader.next();
            if (next.done === true) break;
            chunks.push(Buffer.from(next.value));
            read += next.value.byteLength;
            await onRead(next.value, read);
          }
      }
      return { dispatched, status: response.status, headers, body: Buffer.concat(chunks).toString() };
    } catch (error) {
      // What was read before the failure depends on how the socket's reads fell: only whether some was.
      return { dispatched, status: response.status, headers, readSome: chunks.length > 0, error: explain(error) };
    }
  } catch (error) {
    return { error: explain(error) };
  }
}

/** The two paths' outcomes, which must be the same but for the kind of body. */
async function compare(path: string, options: Options = {}) {
  const dispatched = await outcome(path, 'dispatched', options);
  const requested = await outcome(path, 'requested', options);
  // Whether a failure came after some chunks depends on how the socket's reads fell in each call.
  expect({ ...dispatched, dispatched: undefined, readSome: undefined }, path).toEqual({ ...requested, dispatched: undefined, readSome: undefined });
  return dispatched;
}

describe('a streamed answer read without request() (streamed-answer-call.ts)', () => {
  it('hands an uncompressed stream to its reader without a Readable, the same bytes as request() gives', async () => {
    const whole = await compare('/stream');
    expect(whole).toMatchObject({ dispatched: true, status: 200 });
    expect('body' in whole && whole.body).toBe(`${Array.from({ length: chunkCount }, (_, index) => sseEvent(index)).join('')}data: [DONE]\n\n`);
  });

  it('reads an error body, a gzip stream and a cut one, and stops at the cap, as request() does', async () => {
    expect(await compare('/early-hints')).toMatchObject({ dispatched: true, status: 200, body: `${sseEvent(0)}${sseEvent(1)}data: [DONE]\n\n` });
    expect(await compare('/error')).toMatchObject({ dispatched: true, status: 400, body: '{"error":{"message":"stream_options is not known"}}' });
    const gzip = await compare('/gzip');
    expect('body' in gzip && gzip.body).toContain('token 19');
    expect(await compare('/cut')).toMatchObject({ dispatched: true, error: expect.stringMatching(/^upstream_reset: up broke the connection/) as unknown });
    expect(await compare('/gzip-cut')).toMatchObject({ error: expect.stringMatching(/^upstream_reset: up broke the connection/) as unknown });
    expect(await compare('/too-large')).toMatchObject({ dispatched: true, error: 'upstream_body_too_large: up sent a stream larger than the limit of 4000 bytes (limits.upstream_stream_bytes); Sluice stopped reading it' });
  });

  it('times out an idle stream with the same words', async () => {
    expect(await compare('/idle', { quick: true })).toMatchObject({ dispatched: true, readSome: true, error: 'upstream_timeout: up timed out waiting for more of the body (idle)' });
  });

  it('ends with the abort reason when the caller aborts mid-stream', async () => {
    const reason = new GatewayError('client_closed', 'The client closed the connection.');
    for (const mode of ['dispatched', 'requested'] as const) {
      const caller = new AbortController();
      const ended = await outcome('/endless', mode, {
        signal: caller.signal,
        limits: { bodyBytes: 1000, streamBytes: 1 << 24 },
        onRead: (_chunk, read) => {
          if (read > 500) caller.abort(reason);
        },
      });
      expect(ended, mode).toMatchObject({ dispatched: mode === 'dispatched', readSome: true, error: 'client_closed: The client closed the connection.' });
    }
  });

  it('pauses the upstream while its reader is slow, then reads all of it', async () => {
    const total = bigPiece.byteLength * bigPieces;
    for (const mode of ['dispatched', 'requested'] as const) {
      let writtenWhileSlow = 0;
      const read = await outcome('/big', mode, {
        limits: { bodyBytes: 1000, streamBytes: total },
        onRead: async (_chunk, soFar) => {
          if (soFar < 100_000 && writtenWhileSlow === 0) {
            await new Promise((resolve) => setTimeout(resolve, 300));
            writtenWhileSlow = bigWritten;
          }
        },
      });
      expect(read, mode).toMatchObject({ dispatched: mode === 'dispatched', status: 200 });
      expect('body' in read && read.body.length, mode).toBe(total);
      // Without the pause the upstream would have sent all 32 MiB into the reader's queue by now.
      expect(writtenWhileSlow, mode).toBeLessThan(total / 2);
    }
  });
});

describe('StreamedAnswerBody', () => {
  const scope = { channel: 'up', signal: new AbortController().signal, status: 200, what: 'a stream', capBytes: 1 << 20, capSetting: 'limits.upstream_stream_bytes', onEnd: () => undefined };

  function fakeController() {
    const calls: string[] = [];
    let paused = false;
    return {
      calls,
      controller: {
        get paused() {
          return paused;
        },
        aborted: false,
        reason: null,
        rawHeaders: null,
        rawTrailers: null,
        pause: () => {
          paused = true;
          calls.push('pause');
        },
        resume: () => {
          paused = false;
          calls.push('resume');
        },
        abort: () => {
          calls.push('abort');
        },
      },
    };
  }

  it(`pauses the socket once ${String(queuedBytesBeforePause)} bytes wait for a reader, resumes it when they are read, and hands them on in one piece`, () => {
    const { calls, controller } = fakeController();
    const body = new StreamedAnswerBody(controller, scope, () => undefined);
    const piece = Buffer.alloc(queuedBytesBeforePause / 4);
    for (let index = 0; index < 3; index += 1) body.push(piece);
    expect(calls).toEqual([]);
    body.push(piece);
    expect(calls).toEqual(['pause']);
    let read: Uint8Array | null = null;
    body.readInto(
      (chunk) => {
        read = chunk;
      },
      () => undefined,
    );
    expect(read).toHaveProperty('byteLength', queuedBytesBeforePause);
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('answers a waiting read once per socket read, with every chunk that read gave', async () => {
    const { controller } = fakeController();
    const body = new StreamedAnswerBody(controller, scope, () => undefined);
    const reads: number[] = [];
    body.readInto(
      (chunk) => reads.push(chunk?.byteLength ?? -1),
      () => undefined,
    );
    body.push(Buffer.from('ab'));
    body.push(Buffer.from('cde'));
    expect(reads).toEqual([]);
    await Promise.resolve();
    expect(reads).toEqual([5]);
  });

  it('cuts the call when the reader stops before the end', async () => {
    const { calls, controller } = fakeController();
    let ended = 0;
    const body = new StreamedAnswerBody(controller, { ...scope, onEnd: () => (ended += 1) }, () => undefined);
    body.push(Buffer.from('ab'));
    await body.return();
    expect(calls).toEqual(['abort']);
    expect(ended).toBe(1);
    await expect(body.next()).resolves.toEqual({ done: true, value: undefined });
  });
});
