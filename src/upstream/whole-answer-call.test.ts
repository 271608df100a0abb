import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { readBodyBytes, readBodyBytesNow } from '../lib/describe-body-text.ts';
import { UpstreamClient } from './upstream-client.ts';
import { WholeAnswerBody } from './whole-answer-call.ts';

const answer = JSON.stringify({ id: 'x', choices: [{ message: { content: 'hello' } }] });

/** What the upstream does, by path: each way an answer can go right or wrong. */
const behaviours: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/ok': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-extra': 'kept' }).end(answer);
  },
  '/early-hints': (_request, response) => {
    response.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
    response.writeHead(200, { 'content-type': 'application/json' }).end(answer);
  },
  '/error': (_request, response) => {
    response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' }).end('{"error":{"message":"slow down"}}');
  },
  '/gzip': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(answer));
  },
  '/broken-gzip': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end('not gzip at all');
  },
  '/unknown-encoding': (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'compress' }).end('x');
  },
  '/declared-too-large': (_request, response) => {
    response.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
  },
  '/chunked-too-large': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('x'.repeat(600));
    response.end('x'.repeat(600));
  },
  '/gzip-too-large': (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('x'.repeat(5000)));
  },
  '/cut': (_request, response) => {
    response.writeHead(200, { 'content-length': '100' });
    response.write('{"partial":');
    setTimeout(() => response.destroy(), 20);
  },
  '/idle': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"slow":');
  },
  '/silent': () => undefined,
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

const limits = { bodyBytes: 1000, streamBytes: 1000 };

/** The outcome of a call as a caller sees it: status, headers, body text, or the error's code and words. */
async function outcome(path: string, whole: boolean, timeouts = { connectMs: 1000, firstByteMs: 2000, firstChunkMs: 2000, idleMs: 2000, totalMs: 5000 }, signal = new AbortController().signal) {
  // The other side of the comparison goes through request() and its Readable body: raw bytes take
  // that path (upstream-client.ts #sendRequested), the same JSON as the dispatched call's.
  const raw = whole ? {} : { raw: Buffer.from(JSON.stringify({ model: 'm' })) };
  try {
    const response = await client.send({ url: `${base}${path}`, headers: { 'content-type': 'application/json' }, body: { model: 'm' }, ...raw }, { channel: 'up', signal, timeouts, limits, stream: false, whole });
    const { date: _date, ...headers } = response.headers;
    const kind = response.body instanceof WholeAnswerBody ? 'whole' : 'streamed';
    try {
      return { kind, status: response.status, headers, body: Buffer.from(await readBodyBytes(response.body)).toString() };
    } catch (error) {
      return { kind, status: response.status, headers, error: explain(error) };
    }
  } catch (error) {
    return { error: explain(error) };
  }
}

function explain(error: unknown): string {
  return error instanceof GatewayError ? `${error.code}: ${error.message}` : String(error);
}

describe('a whole answer read without request() (whole-answer-call.ts)', () => {
  it('is read through its own handler, and every answer ends as it does through request()', async () => {
    for (const path of ['/ok', '/early-hints', '/error', '/gzip', '/broken-gzip', '/unknown-encoding', '/declared-too-large', '/chunked-too-large', '/gzip-too-large', '/cut']) {
      const whole = await outcome(path, true);
      const streamed = await outcome(path, false);
      if ('kind' in whole) expect(whole.kind, path).toBe('whole');
      expect({ ...whole, kind: undefined }, path).toEqual({ ...streamed, kind: undefined });
    }
    expect(await outcome('/gzip', true)).toMatchObject({ status: 200, body: answer });
  });

  it('hands a body that has come over without a promise, and leaves one not yet here or broken to readAll', async () => {
    const body = new WholeAnswerBody();
    expect(body.readNow()).toBeUndefined();
    body.settle({ bytes: Buffer.from(answer) });
    expect(Buffer.from(body.readNow() ?? []).toString()).toBe(answer);
    const broken = new WholeAnswerBody();
    broken.settle({ error: new GatewayError('upstream_reset', 'cut') });
    expect(broken.readNow()).toBeUndefined();
    await expect(broken.readAll()).rejects.toThrow('cut');
    // A small answer is parsed with its head: its body is here once the head's promise is answered.
    const timeouts = { connectMs: 1000, firstByteMs: 2000, firstChunkMs: 2000, idleMs: 2000, totalMs: 5000 };
    const sent = (path: string, whole: boolean) => client.send({ url: `${base}${path}`, headers: { 'content-type': 'application/json' }, body: { model: 'm' } }, { channel: 'up', signal: new AbortController().signal, timeouts, limits, stream: false, whole });
    expect(Buffer.from(readBodyBytesNow((await sent('/ok', true)).body) ?? []).toString()).toBe(answer);
    const streamed = (await sent('/ok', false)).body;
    expect(readBodyBytesNow(streamed)).toBeUndefined();
    expect(Buffer.from(await readBodyBytes(streamed)).toString()).toBe(answer);
  });

  it('times out waiting for the first byte and between chunks with the same words', async () => {
    const quick = { connectMs: 1000, firstByteMs: 100, firstChunkMs: 100, idleMs: 100, totalMs: 5000 };
    for (const path of ['/silent', '/idle']) {
      const whole = await outcome(path, true, quick);
      expect({ ...whole, kind: undefined }, path).toEqual({ ...(await outcome(path, false, quick)), kind: undefined });
      expect(JSON.stringify(whole), path).toContain('upstream_timeout');
    }
  });

  it('ends with the abort reason when the caller aborts, before or after the headers', async () => {
    const reason = new GatewayError('client_closed', 'The client closed the connection.');
    for (const [path, afterMs] of [['/silent', 50], ['/idle', 50], ['/ok', -1]] as const) {
      const caller = new AbortController();
      if (afterMs < 0) caller.abort(reason);
      else
        setTimeout(() => {
          caller.abort(reason);
        }, afterMs);
      const whole = await outcome(path, true, undefined, caller.signal);
      expect(whole.error, path).toBe('client_closed: The client closed the connection.');
    }
  });
});

/** Old-space growth per call across young-generation GCs (test/support/measure-promoted-calls.ts). */
function measurePromotedPerCall(calls: number, watched = false): Promise<number> {
  const script = join(import.meta.dirname, '..', '..', 'test', 'support', 'measure-promoted-calls.ts');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script, String(calls), '--whole', ...(watched ? ['--watched'] : [])], { timeout: 30_000 }, (error, stdout) => {
      if (error !== null) reject(new Error(`the child failed: ${error.message}`, { cause: error }));
      else resolve((JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { promotedPerCall: number }).promotedPerCall);
    });
  });
}

// Node's EventTarget wraps an object listener in `this.callback = async (...args) => …`, which V8
// allocates in the old generation: with the call as its abort listener, each call was kept through
// the young-generation collections (~1.9 KB a call); with a function listener, ~0.2 KB.
it('leaves finished whole-answer calls to the young-generation collector', async () => {
  expect(await measurePromotedPerCall(400)).toBeLessThan(1000);
}, 40_000);

// undici's header and body timers were a new timer object a call, kept in its timer list up to a second
// after the call and so promoted (~95 B a call of ~115); with the attempt's watchdog timing the call, ~18.
it('sets no undici timers for a call a watchdog times, and promotes next to nothing', async () => {
  expect(await measurePromotedPerCall(2000, true)).toBeLessThan(50);
}, 40_000);
