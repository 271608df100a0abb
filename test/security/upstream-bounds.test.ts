// Issue 11 item 2, the upstream half: what Sluice reads from an upstream is bounded. A JSON answer
// over `limits.upstream_body_bytes` (32 MiB by default) fails the try with a 502 that names the cap,
// without holding the body in memory; a stream over `limits.upstream_stream_bytes` or over its
// channel's own `timeouts.total_ms` ends with an in-band error event and [DONE].
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletionsOnly, startEmulator, type Emulator } from '../emulators/emulator-server.ts';
import { postRaw } from '../support/post-raw.ts';
import { sseData } from '../support/gather-stream.ts';
import { chunkFrame, completionJson, startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const messages = [{ role: 'user' as const, content: 'hi' }];
const mebibyte = 1024 * 1024;

async function emulate(handler: Parameters<typeof chatCompletionsOnly>[0]): Promise<Emulator> {
  const emulator = await startEmulator(chatCompletionsOnly(handler));
  cleanups.push(() => emulator.close());
  return emulator;
}

async function gateway(yaml: string): Promise<YamlGateway> {
  const started = await startYamlGateway(
    ['retry: { attempts: 3, base_ms: 10, max_ms: 100 }', 'timeouts: { connect_ms: 2000, first_byte_ms: 5000, first_chunk_ms: 5000, idle_ms: 5000, total_ms: 15000 }', yaml].join('\n'),
  );
  cleanups.push(() => started.close());
  return started;
}

/** Writes one part, waiting for the socket to drain; false once the reader went away. */
async function writePart(response: ServerResponse, part: Buffer | string): Promise<boolean> {
  if (response.destroyed) return false;
  if (response.write(part)) return true;
  // The waiter that loses the race is removed, so listeners do not pile up over a long body.
  const settled = new AbortController();
  await Promise.race([once(response, 'drain', { signal: settled.signal }), once(response, 'close', { signal: settled.signal })]).finally(() => {
    settled.abort();
  });
  return !response.destroyed;
}

/** A `chat.completion` of `totalBytes`, generated 1 MiB at a time (never held whole), chunked. */
function hugeAnswer(totalBytes: number, sent: { bytes: number }) {
  const filler = Buffer.alloc(mebibyte, 'a');
  return async (_request: unknown, response: ServerResponse): Promise<void> => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const head = '{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"';
    if (!(await writePart(response, head))) return;
    while (sent.bytes < totalBytes) {
      if (!(await writePart(response, filler))) return;
      sent.bytes += filler.length;
    }
    response.end('"},"finish_reason":"stop"}]}');
  };
}

function models(yamlChannels: string[]): string {
  return ['channels:', ...yamlChannels.map((channel) => `  - ${channel}`)].join('\n');
}

describe('upstream answers are bounded', () => {
  it('fails a 300 MB JSON answer with a 502 naming the cap, stops reading it, and keeps RSS growth bounded', async () => {
    const sent = { bytes: 0 };
    const totalBytes = 300 * mebibyte;
    const huge = await emulate(hugeAnswer(totalBytes, sent));
    const small = await emulate((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completionJson('warm'));
    });
    const { client } = await gateway(models([`{ name: huge, type: openai, base_url: ${huge.url}, api_key: k, models: [m] }`, `{ name: small, type: openai, base_url: ${small.url}, api_key: k, models: [w] }`]));
    // Warm up every code path first, so what is measured is the answer, not module loading.
    await client.chat.completions.create({ model: 'w', messages });

    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const failure = await client.chat.completions.create({ model: 'm', messages }).catch((error: unknown) => error);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    expect(failure).toMatchObject({ status: 502, code: 'upstream_body_too_large' });
    expect((failure as Error).message).toContain('limits.upstream_body_bytes');
    expect((failure as Error).message).toContain('33554432 bytes (32 MiB)');
    // Not retried on the same channel: the same answer would come again.
    expect(huge.received).toHaveLength(1);
    // Sluice stopped reading near the cap; the upstream could not send the rest.
    expect(sent.bytes).toBeLessThan(totalBytes / 2);
    const growthMb = (peak - before) / mebibyte;
    expect(growthMb).toBeLessThan(150);
  });

  it('fails over to another channel when one answers over the cap', async () => {
    const sent = { bytes: 0 };
    const huge = await emulate(hugeAnswer(64 * mebibyte, sent));
    const good = await emulate((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completionJson('from the good channel'));
    });
    const { client } = await gateway(
      models([
        `{ name: huge, type: openai, base_url: ${huge.url}, api_key: k, models: [m], priority: 0, limits: { upstream_body_bytes: 1048576 } }`,
        `{ name: good, type: openai, base_url: ${good.url}, api_key: k, models: [m], priority: 1 }`,
      ]),
    );
    const { data, response } = await client.chat.completions.create({ model: 'm', messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe('from the good channel');
    expect(response.headers.get('x-sluice-attempts')).toBe('2');
    expect(huge.received).toHaveLength(1);
  });

  it('refuses an answer whose Content-Length is over the cap before reading any of it', async () => {
    const declared = await emulate((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 * mebibyte) });
      // Headers only: the body would take ten seconds to come, which only a reader would wait for.
      response.write('{');
      const timer = setTimeout(() => response.destroy(), 10_000);
      response.on('close', () => { clearTimeout(timer); });
    });
    const { client } = await gateway(models([`{ name: declared, type: openai, base_url: ${declared.url}, api_key: k, models: [m], limits: { upstream_body_bytes: 1048576 } }`]));
    const started = performance.now();
    const failure = await client.chat.completions.create({ model: 'm', messages }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, code: 'upstream_body_too_large' });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('ends a stream over limits.upstream_stream_bytes with an in-band error event and [DONE]', async () => {
    const upstream = await emulate(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const word = chunkFrame({ content: 'x'.repeat(1000) });
      // About 10 MB in all, then a proper end: only the cap can stop it early.
      for (let index = 0; index < 10_000; index += 1) if (!(await writePart(response, word))) return;
      response.end(`${chunkFrame({}, 'stop')}data: [DONE]\n\n`);
    });
    const { url } = await gateway(models([`{ name: up, type: openai, base_url: ${upstream.url}, api_key: k, models: [m], limits: { upstream_stream_bytes: 65536 } }`]));
    const answer = await postRaw(`${url}/v1/chat/completions`, { model: 'm', stream: true, messages });
    expect(answer.status).toBe(200);
    const events = sseData(answer.text);
    expect(events.at(-1)).toBe('[DONE]');
    const error = JSON.parse(events.at(-2) ?? '{}') as { error?: { code?: string; message?: string } };
    expect(error.error?.code).toBe('upstream_body_too_large');
    expect(error.error?.message).toContain('limits.upstream_stream_bytes');
    expect(answer.text.length).toBeLessThan(200_000);
  });

  it("ends a stream that outlives its channel's timeouts.total_ms with an in-band error event and [DONE]", async () => {
    const upstream = await emulate(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // A chunk every 50 ms for 5 s: never idle, only a total deadline can end it early.
      for (let index = 0; index < 100; index += 1) {
        if (!(await writePart(response, chunkFrame({ content: `${index} ` })))) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      response.end(`${chunkFrame({}, 'stop')}data: [DONE]\n\n`);
    });
    const { url } = await gateway(models([`{ name: slow, type: openai, base_url: ${upstream.url}, api_key: k, models: [m], timeouts: { total_ms: 300 } }`]));
    const started = performance.now();
    const answer = await postRaw(`${url}/v1/chat/completions`, { model: 'm', stream: true, messages });
    const elapsedMs = performance.now() - started;
    const events = sseData(answer.text);
    expect(events.at(-1)).toBe('[DONE]');
    const error = JSON.parse(events.at(-2) ?? '{}') as { error?: { code?: string; message?: string } };
    expect(error.error?.code).toBe('upstream_timeout');
    expect(error.error?.message).toContain('timeouts.total_ms');
    expect(elapsedMs).toBeLessThan(2500);
  });

  it("fails over before the commit point when a channel's own total_ms passes first", async () => {
    const late = await emulate(async (_request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (response.destroyed) return;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completionJson('too late'));
    });
    const good = await emulate((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completionJson('in time'));
    });
    const { client } = await gateway(
      models([
        `{ name: late, type: openai, base_url: ${late.url}, api_key: k, models: [m], priority: 0, timeouts: { total_ms: 300 }, retry: { attempts: 1 } }`,
        `{ name: good, type: openai, base_url: ${good.url}, api_key: k, models: [m], priority: 1 }`,
      ]),
    );
    const { data, response } = await client.chat.completions.create({ model: 'm', messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe('in time');
    expect(response.headers.get('x-sluice-channel')).toBe('good');
  });
});
