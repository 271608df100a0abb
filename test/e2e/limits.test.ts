// Per-channel max_concurrency (queue or fail over) and the request-wide total deadline, which must
// keep running across retries.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { chatCompletionsOnly, startEmulator, type Emulator } from '../emulators/emulator-server.ts';
import { answerFor, serveFault, startFaultyUpstream, type Fault } from '../emulators/faulty-upstream.ts';
import { startOllamaEmulator } from '../emulators/ollama-chat.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An upstream that answers after `delayMs` and remembers how many requests it held at once. */
async function slowUpstream(delayMs: number): Promise<Emulator & { peak: () => number }> {
  let inFlight = 0;
  let peak = 0;
  const emulator = await startEmulator(
    chatCompletionsOnly(async (request, response) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      inFlight -= 1;
      return serveFault('ok', request, response);
    }),
  );
  cleanups.push(() => emulator.close());
  return Object.assign(emulator, { peak: () => peak });
}

async function start(yaml: string) {
  const sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  cleanups.push(() => sluice.close());
  return (question: string) =>
    fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: question }] }) });
}

describe('max_concurrency', () => {
  it('sends a request past the limit to the next channel', async () => {
    const busy = await slowUpstream(200);
    const spare = await slowUpstream(0);
    const ask = await start(`channels:
  - { name: busy, type: openai, base_url: ${busy.url}, api_key: k, models: [m], priority: 0, max_concurrency: 1 }
  - { name: spare, type: openai, base_url: ${spare.url}, api_key: k, models: [m], priority: 1 }
`);
    const answers = await Promise.all([ask('a'), ask('b')]);
    expect(answers.map((response) => response.headers.get('x-sluice-channel')).sort()).toEqual(['busy', 'spare']);
    expect(busy.received).toHaveLength(1);
  });

  it('queues requests past the limit when no other channel can take them', async () => {
    const only = await slowUpstream(50);
    const ask = await start(`channels:
  - { name: only, type: openai, base_url: ${only.url}, api_key: k, models: [m], max_concurrency: 2 }
`);
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((question) => ask(question)));
    expect(answers.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await Promise.all(answers.map(async (response) => ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content))).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map(answerFor),
    );
    expect(only.peak()).toBe(2);
  });

  it('frees the slot of a request the dialect could not express', async () => {
    const ollama = await startOllamaEmulator();
    cleanups.push(() => ollama.close());
    const sluice = await startSluice(
      parseConfig(`channels:\n  - { name: local, type: ollama, base_url: "${ollama.url.replace(/\/v1$/, '')}", models: [llama-text], max_concurrency: 1 }`, { file: 'test.yaml', env: {} }),
      { port: 0, store: 'sqlite::memory:' },
    );
    cleanups.push(() => sluice.close());
    const send = (content: unknown) =>
      fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'llama-text', messages: [{ role: 'user', content }] }), signal: AbortSignal.timeout(5000) });
    expect((await send([{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }])).status).toBe(400);
    expect((await send('Why is the sky blue?')).status).toBe(200);
  });
});

describe('total deadline', () => {
  it('keeps counting across retries and stops a request that runs past it', async () => {
    const script: Fault[] = [{ status: 503 }, 'stall-before-headers'];
    const upstream = await startFaultyUpstream((index) => script[index] ?? 'ok');
    cleanups.push(() => upstream.close());
    const ask = await start(`retry: { attempts: 3, base_ms: 1, max_ms: 2 }
timeouts: { first_byte_ms: 10000, total_ms: 400 }
channels:
  - { name: up, type: openai, base_url: ${upstream.url}, api_key: k, models: [m] }
`);
    const started = performance.now();
    const response = await ask('late');
    expect(response.status).toBe(504);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('total limit of 400 ms');
  });
});
