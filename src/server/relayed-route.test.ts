import Fastify from 'fastify';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../relay/request-record.ts';
import { createRelayedHandler, type Exchange, type RouteOptions } from './relayed-route.ts';

// What a held request keeps of the client's body: a held stream is finished by callbacks long after
// its handler returned (docs/benchmarks.md "Held stream, round seven").
const finished: RequestRecord[] = [];
const options = {
  relay: { captureCapBytes: 1 << 16, secrets: [] },
  pricing: { price: () => undefined },
  finishRequest: (record: RequestRecord) => {
    finished.push(record);
  },
  shutdownSignal: new AbortController().signal,
} as unknown as RouteOptions;

interface Seen {
  body: unknown;
  requestBytes: number | undefined;
}

/** A route whose handler holds the request, as a committed stream does, and finishes it after writing. */
async function holdOnce(body: string, capture: boolean): Promise<Seen> {
  const app = Fastify();
  // As build-app.ts reads bodies: as text, parsed by the route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, text, done) => {
    done(null, text);
  });
  let seen: Seen | undefined;
  const handle = (exchange: Exchange): Promise<void> => {
    if (capture) exchange.record.capture = { clientRequest: '', clientResponse: '', attempts: [] };
    exchange.reply.hijack();
    const finish = exchange.hold();
    seen = { body: exchange.request.body, requestBytes: exchange.record.requestBytes };
    exchange.reply.raw.end('held');
    void finish();
    return Promise.resolve();
  };
  app.post('/held', createRelayedHandler(options, handle));
  try {
    const response = await app.inject({ method: 'POST', url: '/held', payload: body, headers: { 'content-type': 'application/json' } });
    expect(response.body).toBe('held');
  } finally {
    await app.close();
  }
  if (seen === undefined) throw new Error('the handler did not run');
  return seen;
}

afterEach(() => {
  finished.length = 0;
});

describe('a held request', () => {
  it('lets go of the raw body once held, and the log row still has its size', async () => {
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'é'.repeat(100) }] });
    const seen = await holdOnce(body, false);
    expect(seen.body).toBeUndefined();
    expect(seen.requestBytes).toBe(Buffer.byteLength(body));
    expect(finished[0]?.requestBytes).toBe(Buffer.byteLength(body));
  });

  it('keeps the raw body when a debug capture will record it', async () => {
    const body = JSON.stringify({ model: 'm', messages: [] });
    const seen = await holdOnce(body, true);
    expect(seen.body).toBe(body);
    expect(finished[0]?.capture?.clientRequest).toBe(body);
  });
});

describe('a client that goes away', () => {
  it('aborts the relay, and a client signal first asked for afterwards is already aborted, with the same reason', async () => {
    const app = Fastify();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, text, done) => {
      done(null, text);
    });
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let seen: { relay: unknown; clientAborted: boolean; client: unknown } | undefined;
    const handled = new Promise<void>((resolve) => {
      app.post(
        '/wait',
        createRelayedHandler(options, async (exchange) => {
          started();
          await new Promise((aborted) => {
            exchange.signal.addEventListener('abort', aborted, { once: true });
          });
          seen = { relay: exchange.signal.reason, clientAborted: exchange.clientSignal.aborted, client: exchange.clientSignal.reason };
          resolve();
        }),
      );
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const request = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/wait', headers: { 'content-type': 'application/json' } });
      request.on('error', () => undefined);
      request.end('{}');
      await running;
      request.destroy();
      await handled;
    } finally {
      await app.close();
    }
    expect(seen?.relay).toMatchObject({ code: 'client_closed' });
    expect(seen?.clientAborted).toBe(true);
    expect(seen?.client).toBe(seen?.relay);
  });
});
