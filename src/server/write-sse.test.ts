import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommittedStream, FrameSink, StreamEnd } from '../relay/committed-stream.ts';
import { writeSse, type SseOptions } from './write-sse.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');

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
