// Seed problem 5 end to end: transient failures are retried to success, a down channel fails over
// by priority, an open circuit keeps traffic away until its cooldown, timeouts fail over in time,
// and fallback models answer when every channel of a model failed.
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { chatCompletionsOnly, startEmulator, type Emulator } from '../emulators/emulator-server.ts';
import { answerFor, startFaultyUpstream, type Fault } from '../emulators/faulty-upstream.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstream(schedule: (index: number) => Fault): Promise<Emulator> {
  const emulator = await startFaultyUpstream(schedule);
  cleanups.push(() => emulator.close());
  return emulator;
}

async function sluiceWith(yaml: string): Promise<{ sluice: RunningSluice; client: OpenAI }> {
  const sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  cleanups.push(() => sluice.close());
  return { sluice, client: new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'x', maxRetries: 0 }) };
}

/** A loopback port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

const ask = (question: string) => [{ role: 'user' as const, content: question }];

async function streamText(client: OpenAI, model: string, question: string): Promise<string> {
  const stream = await client.chat.completions.create({ model, messages: ask(question), stream: true });
  let text = '';
  for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
  return text;
}

const settings = `
retry: { attempts: 4, base_ms: 5, max_ms: 20 }
timeouts: { connect_ms: 1000, first_byte_ms: 300, first_chunk_ms: 300, idle_ms: 300, total_ms: 10000 }
`;

describe('retries', () => {
  it('retries a channel through a Content-Length lie, a reset and a 503 to success', async () => {
    const script: Fault[] = ['content-length-short', 'reset', { status: 503, retryAfter: '0' }, 'ok', 'content-length-long', 'truncated-json', 'ok'];
    const flaky = await upstream((index) => script[index] ?? 'ok');
    const { sluice, client } = await sluiceWith(`${settings}
channels:
  - { name: flaky, type: openai, base_url: ${flaky.url}, api_key: k, models: [m] }
`);
    const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: ask('one') }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-sluice-attempts')).toBe('4');
    expect(response.headers.get('x-sluice-channel')).toBe('flaky');
    expect(response.headers.get('x-sluice-upstream-stream')).toBe('false');
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe(answerFor('one'));
    expect(await streamText(client, 'm', 'two')).toBe(answerFor('two'));
    expect(flaky.received).toHaveLength(7);
  });

  it('honours Retry-After before trying again', async () => {
    const script: Fault[] = [{ status: 429, retryAfter: '1' }];
    const limited = await upstream((index) => script[index] ?? 'ok');
    const { client } = await sluiceWith(`${settings}
channels:
  - { name: limited, type: openai, base_url: ${limited.url}, api_key: k, models: [m] }
`);
    const started = performance.now();
    const completion = await client.chat.completions.create({ model: 'm', messages: ask('wait') });
    expect(completion.choices[0]?.message.content).toBe(answerFor('wait'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once on a request the upstream refused', async () => {
    const refusing = await upstream(() => ({ status: 400 }));
    const { client } = await sluiceWith(`${settings}
channels:
  - { name: refusing, type: openai, base_url: ${refusing.url}, api_key: k, models: [m] }
`);
    await expect(client.chat.completions.create({ model: 'm', messages: ask('no') })).rejects.toMatchObject({ status: 400 });
    expect(refusing.received).toHaveLength(1);
  });
});

describe('failover', () => {
  it('fails over from a down channel to the next priority', async () => {
    const healthy = await upstream(() => 'ok');
    const { sluice } = await sluiceWith(`${settings}
channels:
  - { name: down, type: openai, base_url: "http://127.0.0.1:${await closedPort()}/v1", api_key: k, models: [m], priority: 0 }
  - { name: backup, type: openai, base_url: ${healthy.url}, api_key: k, models: [m], priority: 1 }
`);
    const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: ask('failover'), stream: true }) });
    expect(response.headers.get('x-sluice-channel')).toBe('backup');
    expect(response.headers.get('x-sluice-attempts')).toBe('2');
    expect(await response.text()).toContain('data: [DONE]');
  });

  it('keeps traffic away from a channel whose circuit opened until the cooldown ends', async () => {
    const broken = await upstream(() => ({ status: 503 }));
    const healthy = await upstream(() => 'ok');
    const { client } = await sluiceWith(`${settings}
breaker: { failures: 2, cooldown_ms: 400 }
channels:
  - { name: broken, type: openai, base_url: ${broken.url}, api_key: k, models: [m], priority: 0 }
  - { name: backup, type: openai, base_url: ${healthy.url}, api_key: k, models: [m], priority: 1 }
`);
    for (let i = 0; i < 5; i += 1) {
      const completion = await client.chat.completions.create({ model: 'm', messages: ask(`q${i}`) });
      expect(completion.choices[0]?.message.content).toBe(answerFor(`q${i}`));
    }
    // A call is one request's stay on the channel (4 tries here): two such calls opened the circuit.
    expect(broken.received).toHaveLength(8);
    await new Promise((resolve) => setTimeout(resolve, 450));
    await client.chat.completions.create({ model: 'm', messages: ask('after cooldown') });
    // Half-open: exactly one probe request went through, failed its tries, and the circuit opened again.
    expect(broken.received).toHaveLength(12);
    await client.chat.completions.create({ model: 'm', messages: ask('still open') });
    expect(broken.received).toHaveLength(12);
  });

  it('fails over within the first-byte timeout from a channel that never answers', async () => {
    const stalled = await upstream(() => 'stall-before-headers');
    const healthy = await upstream(() => 'ok');
    const { client } = await sluiceWith(`${settings}
channels:
  - { name: stalled, type: openai, base_url: ${stalled.url}, api_key: k, models: [m], priority: 0 }
  - { name: backup, type: openai, base_url: ${healthy.url}, api_key: k, models: [m], priority: 1 }
`);
    const started = performance.now();
    expect(await streamText(client, 'm', 'slow')).toBe(answerFor('slow'));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
  });

  it('answers with a fallback model when every channel of the model failed, and says so', async () => {
    const broken = await upstream(() => ({ status: 502 }));
    const healthy = await upstream(() => 'ok');
    const { sluice } = await sluiceWith(`${settings}
fallbacks: { big: [small] }
channels:
  - { name: big-channel, type: openai, base_url: ${broken.url}, api_key: k, models: [big] }
  - { name: small-channel, type: openai, base_url: ${healthy.url}, api_key: k, models: [small] }
`);
    const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'big', messages: ask('fallback') }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-sluice-model')).toBe('small');
    expect(response.headers.get('x-sluice-attempts')).toBe('5');
    expect(((await response.json()) as { model: string }).model).toBe('small');
  });

  it('names every failed channel when all of them failed', async () => {
    const first = await upstream(() => ({ status: 500 }));
    const second = await upstream(() => ({ status: 503 }));
    const { sluice } = await sluiceWith(`${settings.replace('attempts: 4', 'attempts: 1')}
channels:
  - { name: one, type: openai, base_url: ${first.url}, api_key: k, models: [m], priority: 0 }
  - { name: two, type: openai, base_url: ${second.url}, api_key: k, models: [m], priority: 1 }
`);
    const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: ask('doomed') }) });
    expect(response.status).toBe(502);
    const { error } = (await response.json()) as { error: { message: string } };
    expect(error.message).toContain('one: one answered HTTP 500');
    expect(error.message).toContain('two: two answered HTTP 503');
  });
});

describe('timeouts on JSON answers', () => {
  // The attempt's watchdog times a JSON body's silences, kicked by each piece the upstream client reads
  // (undici sets no timers of its own: docs/benchmarks.md "Round twenty-five").
  it('tries again once a JSON body goes quiet halfway for idle_ms', async () => {
    const halting = await upstream((index) => (index === 0 ? 'stall-mid-body' : 'ok'));
    const { sluice } = await sluiceWith(`${settings}
channels:
  - { name: halting, type: openai, base_url: ${halting.url}, api_key: k, models: [m] }
`);
    const started = performance.now();
    const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: ask('halt') }) });
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    expect(response.headers.get('x-sluice-attempts')).toBe('2');
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe(answerFor('halt'));
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
  });

  it('says which wait timed out when the last try went quiet mid-body', async () => {
    const halting = await upstream(() => 'stall-mid-body');
    const { sluice } = await sluiceWith(`retry: { attempts: 1 }
timeouts: { first_byte_ms: 5000, idle_ms: 200, total_ms: 10000 }
channels:
  - { name: halting, type: openai, base_url: ${halting.url}, api_key: k, models: [m] }
`);
    const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: ask('halt') }) });
    expect(response.status).toBe(504);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('upstream_timeout');
    expect(error.message).toContain('halting timed out waiting for more of the body (idle) (200 ms)');
  });

  it('reads a JSON body that trickles in for longer than idle_ms, each piece within it', async () => {
    const timers: NodeJS.Timeout[] = [];
    const trickling = await startEmulator(
      chatCompletionsOnly((_request, response) => {
        const body = JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'slowly, but all of it' }, finish_reason: 'stop' }] });
        const pieces = 6;
        const size = Math.ceil(body.length / pieces);
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
        for (let piece = 0; piece < pieces; piece += 1) {
          timers.push(setTimeout(() => response.write(body.slice(piece * size, (piece + 1) * size)), piece * 120));
        }
        timers.push(setTimeout(() => response.end(), pieces * 120));
      }),
    );
    cleanups.push(async () => {
      for (const timer of timers) clearTimeout(timer);
      await trickling.close();
    });
    const { client } = await sluiceWith(`retry: { attempts: 1 }
timeouts: { first_byte_ms: 5000, idle_ms: 300, total_ms: 10000 }
channels:
  - { name: trickling, type: openai, base_url: ${trickling.url}, api_key: k, models: [m] }
`);
    const started = performance.now();
    const completion = await client.chat.completions.create({ model: 'm', messages: ask('slow') });
    expect(completion.choices[0]?.message.content).toBe('slowly, but all of it');
    expect(performance.now() - started).toBeGreaterThan(600);
  });
});

describe('timeouts on streams', () => {
  it('ends a stream that goes quiet after the first chunk with an in-band timeout error', async () => {
    const freezing = await upstream(() => 'stall-mid-stream');
    const { sluice } = await sluiceWith(`${settings}
channels:
  - { name: freezing, type: openai, base_url: ${freezing.url}, api_key: k, models: [m] }
`);
    const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: ask('freeze'), stream: true }) });
    const text = await response.text();
    expect(text).toContain('"code":"upstream_timeout"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('does not count keep-alive comments as progress, and does not break on them', async () => {
    // DeepSeek holds busy connections open with `: keep-alive` comments (docs/wire-formats.md 2.4); a
    // stream of nothing but comments must still hit the idle limit (deepseek-harness #6959).
    const timers: NodeJS.Timeout[] = [];
    const commenting = await startEmulator(
      chatCompletionsOnly((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(': keep-alive\n\n');
        response.write('data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}\n\n');
        timers.push(setInterval(() => response.write(': keep-alive\n\n'), 50));
      }),
    );
    cleanups.push(async () => {
      for (const timer of timers) clearInterval(timer);
      await commenting.close();
    });
    const { sluice } = await sluiceWith(`${settings}
channels:
  - { name: commenting, type: openai, base_url: ${commenting.url}, api_key: k, models: [m] }
`);
    const started = performance.now();
    const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: ask('quiet'), stream: true }) });
    const text = await response.text();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(text).toContain('"content":"Hi"');
    expect(text).toContain('timed out between chunks');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
