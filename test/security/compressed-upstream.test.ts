// Issue 11 item 8: an upstream that compresses its answer although Sluice asked for
// `accept-encoding: identity`. Sluice decodes gzip, deflate, br and zstd for JSON answers, error
// bodies and streams; refuses any other coding with a clear error that is not retried; never puts
// binary in an error message; and counts its caps in decoded bytes, so a gzip bomb stops at the cap.
import type { ServerResponse } from 'node:http';
import { brotliCompressSync, constants, createGzip, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletionsOnly, startEmulator, type Emulator, type EmulatorHandler } from '../emulators/emulator-server.ts';
import { gatherStream } from '../support/gather-stream.ts';
import { chunkFrame, completionJson, startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const messages = [{ role: 'user' as const, content: 'hi' }];

const encoders: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: (bytes) => gzipSync(bytes),
  br: (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }),
  deflate: (bytes) => deflateSync(bytes),
  zstd: (bytes) => zstdCompressSync(bytes),
};

const streamText = [chunkFrame({ role: 'assistant', content: 'Hello' }), chunkFrame({ content: ', compressed' }), chunkFrame({ content: ' world' }), chunkFrame({}, 'stop'), 'data: [DONE]\n\n'].join('');

/** Answers a stream or a JSON completion, the whole body compressed with `coding`. */
function compressedAnswer(coding: string): EmulatorHandler {
  const encode = encoders[coding] ?? ((bytes: Buffer) => bytes);
  return (request, response) => {
    const stream = request.body?.['stream'] === true;
    const body = encode(Buffer.from(stream ? streamText : completionJson('Hello, compressed world')));
    response.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json', 'content-encoding': coding, 'content-length': String(body.length) });
    response.end(body);
  };
}

async function setUp(handler: EmulatorHandler, channelExtra = ''): Promise<{ upstream: Emulator; gateway: YamlGateway }> {
  const upstream = await startEmulator(chatCompletionsOnly(handler));
  cleanups.push(() => upstream.close());
  const gateway = await startYamlGateway(
    [
      'retry: { attempts: 3, base_ms: 10, max_ms: 100 }',
      'channels:',
      `  - { name: squeezed, type: openai, base_url: ${upstream.url}, api_key: k, models: [m]${channelExtra} }`,
    ].join('\n'),
  );
  cleanups.push(() => gateway.close());
  return { upstream, gateway };
}

describe('compressed upstream answers', () => {
  for (const coding of ['gzip', 'br', 'deflate', 'zstd']) {
    it(`decodes a ${coding} JSON answer and a ${coding} stream`, async () => {
      const { upstream, gateway } = await setUp(compressedAnswer(coding));
      const completion = await gateway.client.chat.completions.create({ model: 'm', messages });
      expect(completion.choices[0]?.message.content).toBe('Hello, compressed world');
      const stream = await gateway.client.chat.completions.create({ model: 'm', messages, stream: true });
      expect((await gatherStream(stream)).content).toBe('Hello, compressed world');
      // Sluice still asks for identity; it copes when it does not get it.
      expect(upstream.received.map((request) => request.headers['accept-encoding'])).toEqual(['identity', 'identity']);
    });
  }

  it("passes on a gzip error body's own words", async () => {
    const { gateway } = await setUp((_request, response) => {
      const body = gzipSync(Buffer.from('{"error":{"message":"Unsupported parameter: frobnicate","type":"invalid_request_error","param":"frobnicate","code":null}}'));
      response.writeHead(400, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(body);
    });
    const failure = await gateway.client.chat.completions.create({ model: 'm', messages }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 400, code: 'upstream_rejected' });
    expect((failure as Error).message).toContain('Unsupported parameter: frobnicate');
  });

  it('refuses an unknown content-encoding with a clear error, not retried', async () => {
    const { upstream, gateway } = await setUp((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'snappy' });
      response.end(Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59, 0x01, 0x02, 0x03]));
    });
    const failure = await gateway.client.chat.completions.create({ model: 'm', messages }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, code: 'upstream_encoding_unsupported' });
    expect((failure as Error).message).toContain("content-encoding 'snappy'");
    expect(upstream.received).toHaveLength(1);
  });

  it('describes a binary error body by its size instead of pasting it', async () => {
    const binary = gzipSync(Buffer.from('{"error":{"message":"secret-free but compressed"}}'));
    const { gateway } = await setUp((_request, response) => {
      // Compressed, but the upstream does not say so.
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(binary);
    });
    const failure = await gateway.client.chat.completions.create({ model: 'm', messages }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, code: 'upstream_error' });
    const message = (failure as Error).message;
    expect(message).toContain(`${binary.length} bytes of binary data`);
    // No control character and no replacement character: nothing of the binary got through.
    const suspicious = Array.from({ length: message.length }, (_, index) => message.charCodeAt(index)).filter((code) => code < 0x20 || code === 0xfffd);
    expect(suspicious).toEqual([]);
  });

  it('stops a gzip bomb at the cap, counted in decoded bytes', async () => {
    // 256 MiB of decoded JSON in about 256 KiB on the wire, compressed as it is sent.
    let compressedBytes = 0;
    const { upstream, gateway } = await setUp(async (_request, response: ServerResponse) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const gzip = createGzip();
      gzip.on('data', (part: Buffer) => {
        compressedBytes += part.length;
      });
      gzip.pipe(response);
      gzip.write('{"choices":[{"index":0,"message":{"role":"assistant","content":"');
      const filler = Buffer.alloc(1024 * 1024, 'a');
      for (let index = 0; index < 256 && !response.destroyed; index += 1) {
        if (!gzip.write(filler)) await new Promise((resolve) => gzip.once('drain', resolve));
      }
      gzip.end('"},"finish_reason":"stop"}]}');
    }, ', limits: { upstream_body_bytes: 4194304 }');
    const failure = await gateway.client.chat.completions.create({ model: 'm', messages }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, code: 'upstream_body_too_large' });
    expect((failure as Error).message).toContain('4194304 bytes (4 MiB) (limits.upstream_body_bytes)');
    expect(upstream.received).toHaveLength(1);
    expect(compressedBytes).toBeLessThan(1024 * 1024);
  });
});
