// Active health checks: a stream-only model is checked with a stream, and a channel that recovers
// is taken back by its health check, without client traffic having to probe it.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { startDashscopeEmulator } from '../emulators/dashscope-stream-only.ts';
import { startFaultyUpstream, type Fault } from '../emulators/faulty-upstream.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const waitFor = async (condition: () => boolean, ms = 3000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('active health checks', () => {
  it('checks a stream-only model with a stream', async () => {
    const dashscope = await startDashscopeEmulator();
    cleanups.push(() => dashscope.close());
    const sluice = await startSluice(
      parseConfig(
        `channels:\n  - { name: qwq, type: openai, base_url: ${dashscope.url}, api_key: k, models: [qwq-plus], capabilities: { "qwq-*": { stream: required } }, health_check: { interval_ms: 50 } }`,
        { file: 'test.yaml', env: {} },
      ),
      { port: 0, store: 'sqlite::memory:' },
    );
    cleanups.push(() => sluice.close());
    await waitFor(() => dashscope.received.length >= 2);
    expect(dashscope.received.length).toBeGreaterThanOrEqual(2);
    expect(dashscope.received.every((request) => request.body?.['stream'] === true && request.body['max_tokens'] === 1)).toBe(true);
  });

  it('closes an open circuit when the channel recovers', async () => {
    let healthy = false;
    const upstream = await startFaultyUpstream((): Fault => (healthy ? 'ok' : { status: 503 }));
    cleanups.push(() => upstream.close());
    const sluice = await startSluice(
      parseConfig(
        `retry: { attempts: 1 }\nbreaker: { failures: 1, cooldown_ms: 600000 }\nchannels:\n  - { name: up, type: openai, base_url: ${upstream.url}, api_key: k, models: [m], health_check: { interval_ms: 50 } }`,
        { file: 'test.yaml', env: {} },
      ),
      { port: 0, store: 'sqlite::memory:' },
    );
    cleanups.push(() => sluice.close());
    const ask = () => fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
    expect((await ask()).status).toBe(502);
    // Its circuit is open and it is the only channel: tried anyway (panic), never refused unseen.
    const panicked = await ask();
    expect(panicked.status).toBe(502);
    expect(panicked.headers.get('x-sluice-adaptations')).toBe('panic:up');
    expect((await (await fetch(`${sluice.url}/readyz`)).json())).toMatchObject({ ready: false });
    healthy = true;
    await waitFor(() => upstream.received.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await ask()).status).toBe(200);
  });
});
