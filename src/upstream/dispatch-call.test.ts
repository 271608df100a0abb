import { createHook } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBodyBytes } from '../lib/describe-body-text.ts';
import { UpstreamClient } from './upstream-client.ts';

/** An upstream answering every POST with a small JSON body, and one that answers a long body slowly. */
let server: Server;
let base: string;
let closedEarly = 0;
const client = new UpstreamClient();

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/slow') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"a":"');
        response.on('close', () => {
          if (!response.writableFinished) closedEarly += 1;
        });
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
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

const timeouts = { connectMs: 1000, firstByteMs: 5000, firstChunkMs: 5000, idleMs: 5000, totalMs: 5000 };
const limits = { bodyBytes: 1_000_000, streamBytes: 1_000_000 };

function send(path: string, signal: AbortSignal) {
  return client.send({ url: `${base}${path}`, headers: { 'content-type': 'application/json' }, body: { model: 'm' } }, { channel: 'up', signal, timeouts, limits, stream: false });
}

describe('an upstream call', () => {
  it('makes no AsyncResource per call (undici request()\'s handler, stream.finished()): each kept the call\'s objects alive through young-generation GCs', async () => {
    const types: string[] = [];
    const hook = createHook({
      init(_id, type) {
        if (type === 'UNDICI_REQUEST' || type === 'STREAM_END_OF_STREAM') types.push(type);
      },
    }).enable();
    try {
      for (let call = 0; call < 3; call += 1) {
        const response = await send('/json', new AbortController().signal);
        expect(response.status).toBe(200);
        expect(new TextDecoder().decode(await readBodyBytes(response.body))).toBe('{"ok":true}');
      }
    } finally {
      hook.disable();
    }
    expect(types).toEqual([]);
  });

  it('aborts the call when its body is left before its end, and when the signal aborts mid-body', async () => {
    const left = await send('/slow', new AbortController().signal);
    const iterator = left.body[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.();
    const caller = new AbortController();
    const aborted = await send('/slow', caller.signal);
    const reading = readBodyBytes(aborted.body).catch((error: unknown) => error);
    caller.abort(new Error('the caller left'));
    expect(await reading).toBeInstanceOf(Error);
    await expect.poll(() => closedEarly, { timeout: 2000 }).toBe(2);
  });
});
