import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommittedStream, FrameSink, StreamEnd } from '../relay/committed-stream.ts';
import { frameChunk, writeSse, type SseOptions } from './write-sse.ts';
import { collectGarbage } from '../../test/support/collect-garbage.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

interface Held {
  sink: FrameSink;
  done: (end: StreamEnd) => void;
}

/** A stream that writes one frame and then waits, as a held stream does, until `done` is called. */
function heldStream(onHeld: (held: Held) => void): CommittedStream {
  return {
    encoder: undefined,
    pipeTo(sink, done) {
      sink.write('data: {"n":1}\n\n');
      onHeld({ sink, done });
    },
  };
}

/** Starts the writer with options only a WeakRef leaves this function with. */
function startWriting(response: Parameters<typeof writeSse>[0], onHeld: (held: Held) => void, ended: (failure: unknown) => void): WeakRef<SseOptions> {
  const options: SseOptions = {
    requestId: 'req-1',
    keepaliveMs: 60_000,
    signal: new AbortController().signal,
    headers: { 'x-sluice-channel': 'up', 'x-sluice-routing': 'r'.repeat(2_000) },
  };
  writeSse(response, heldStream(onHeld), options, ended);
  return new WeakRef(options);
}

function readUntil(response: IncomingMessage, text: string): Promise<string> {
  let body = '';
  return new Promise((resolve) => {
    response.on('data', (part: Buffer) => {
      body += part.toString();
      if (body.includes(text)) resolve(body);
    });
  });
}

describe('writeSse while a stream is held', () => {
  // A held stream keeps its writer for its life (docs/benchmarks.md "Held stream, round seven").
  it('keeps nothing of its options object (the routing headers went out with the head)', async () => {
    let options: WeakRef<SseOptions> | undefined;
    let held: Held | undefined;
    let endedWith: unknown = 'not yet';
    server = createServer((_request, response) => {
      options = startWriting(
        response,
        (value) => {
          held = value;
        },
        (failure) => {
          endedWith = failure;
        },
      );
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await new Promise<IncomingMessage>((resolve) => get({ host: '127.0.0.1', port, path: '/' }, resolve));
    expect(response.headers['x-sluice-channel']).toBe('up');
    const first = await readUntil(response, '\n\n');
    expect(first).toContain('data: {"n":1}');
    for (let round = 0; round < 3; round += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
    }
    expect(options?.deref()).toBeUndefined();
    const rest = readUntil(response, '[DONE]');
    held?.done(undefined);
    expect(await rest).toContain('data: [DONE]');
    expect(endedWith).toBeUndefined();
  });
});

/** A stream that writes `frames` (each as one sink write, waiting for 'drain' when told to), then ends whole. */
function framesStream(frames: string[], onWait: () => void = () => undefined): CommittedStream {
  return {
    encoder: undefined,
    pipeTo(sink, done) {
      let next = 0;
      const go = (): void => {
        while (next < frames.length) {
          const full = !sink.write(frames[next++] ?? '');
          if (full) {
            onWait();
            sink.whenDrained(go);
            return;
          }
        }
        done(undefined);
      };
      go();
    },
  };
}

/** Serves one SSE stream of `frames`; counts the response's own write() calls. */
async function serveFrames(frames: string[]): Promise<{ port: number; responseWrites: () => number; waits: () => number }> {
  let writes = 0;
  let waits = 0;
  server = createServer((_request, response) => {
    const write = response.write.bind(response) as (chunk: string) => boolean;
    response.write = ((chunk: string) => {
      writes += 1;
      return write(chunk);
    }) as typeof response.write;
    const options: SseOptions = { requestId: 'req-1', keepaliveMs: 60_000, signal: new AbortController().signal, headers: {} };
    writeSse(
      response,
      framesStream(frames, () => {
        waits += 1;
      }),
      options,
      () => undefined,
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, responseWrites: () => writes, waits: () => waits };
}

/** The raw bytes of one exchange: `request` written to a plain socket, read until the server ends the body. */
function exchangeRaw(port: number, request: string, until: string, pauseMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(request);
    });
    const parts: Buffer[] = [];
    const whole = (): string => Buffer.concat(parts).toString('latin1');
    if (pauseMs > 0) {
      socket.pause();
      setTimeout(() => socket.resume(), pauseMs);
    }
    socket.on('data', (part: Buffer) => {
      parts.push(part);
      if (part.toString('latin1').endsWith(until)) {
        socket.destroy();
        resolve(whole());
      }
    });
    socket.on('error', reject);
    socket.on('end', () => {
      resolve(whole());
    });
  });
}

/** The body's bytes after the head, as text (the raw exchange is read byte for byte). */
const bodyOf = (raw: string): string => Buffer.from(raw.slice(raw.indexOf('\r\n\r\n') + 4), 'latin1').toString();

describe('writeSse on the wire', () => {
  const frames = ['data: {"n":1}\n\n', 'data: {"text":"é ✓"}\n\n', 'data: {"n":3}\n\ndata: {"n":4}\n\n'];

  it('frames each write as one HTTP/1.1 chunk on the socket itself, not through response.write', async () => {
    const served = await serveFrames(frames);
    const raw = await exchangeRaw(served.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', '0\r\n\r\n');
    expect(raw).toContain('Transfer-Encoding: chunked');
    expect(bodyOf(raw)).toBe(`${[...frames, 'data: [DONE]\n\n'].map(frameChunk).join('')}0\r\n\r\n`);
    expect(served.responseWrites()).toBe(0);
    // Byte lengths, not characters: the size line counts UTF-8 bytes.
    expect(frameChunk('é')).toBe('2\r\né\r\n');
  });

  it('writes nothing for an empty write (a chunk of size 0 would end the body)', async () => {
    const served = await serveFrames([frames[0] ?? '', '', frames[1] ?? '']);
    const raw = await exchangeRaw(served.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', '0\r\n\r\n');
    expect(bodyOf(raw)).toBe(`${[frames[0] ?? '', frames[1] ?? '', 'data: [DONE]\n\n'].map(frameChunk).join('')}0\r\n\r\n`);
  });

  it('writes an HTTP/1.0 client its frames unframed, through response.write, and closes', async () => {
    const served = await serveFrames(frames);
    const raw = await exchangeRaw(served.port, 'GET / HTTP/1.0\r\n\r\n', '\u0000never');
    expect(raw).not.toContain('Transfer-Encoding');
    expect(bodyOf(raw)).toBe([...frames, 'data: [DONE]\n\n'].join(''));
    expect(served.responseWrites()).toBe(frames.length + 1);
  });

  it("waits for the socket's 'drain' when the client reads slowly, and loses nothing", async () => {
    const many = Array.from({ length: 4_000 }, (_, index) => `data: {"n":${String(index)},"pad":"${'x'.repeat(2_000)}"}\n\n`);
    const served = await serveFrames(many);
    const raw = await exchangeRaw(served.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', '0\r\n\r\n', 200);
    expect(bodyOf(raw)).toBe(`${[...many, 'data: [DONE]\n\n'].map(frameChunk).join('')}0\r\n\r\n`);
    expect(served.waits()).toBeGreaterThan(0);
    expect(served.responseWrites()).toBe(0);
  });
});
