// Issue 11 item 7: a stream still running when the shutdown deadline passes is not cut with a
// connection reset. It gets an in-band `shutting_down` error event and `data: [DONE]`, ends
// cleanly, and its log row (with that error) is on disk after close.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { chatCompletionsOnly, startEmulator } from '../emulators/emulator-server.ts';
import { sseData } from '../support/gather-stream.ts';
import { chunkFrame, startYamlGateway } from '../support/start-yaml-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the shutdown deadline', () => {
  it('ends an endless stream with a shutting_down error event and [DONE], and writes its log row', async () => {
    const upstream = await startEmulator(
      chatCompletionsOnly(async (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        // Endless in practice: a word every 100 ms for a minute, far past the deadline.
        for (let index = 0; index < 600 && !response.destroyed; index += 1) {
          response.write(chunkFrame({ content: `${index} ` }));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        response.end(`${chunkFrame({}, 'stop')}data: [DONE]\n\n`);
      }),
    );
    cleanups.push(() => upstream.close());
    const gateway = await startYamlGateway(`channels:\n  - { name: up, type: openai, base_url: ${upstream.url}, api_key: k, models: [m] }`, { shutdownMs: 300 });
    cleanups.push(() => gateway.close());

    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
    const requestId = response.headers.get('x-request-id') ?? '';
    const reader = response.body!.getReader();
    let text = Buffer.from((await reader.read()).value ?? []).toString();
    const started = performance.now();
    const closing = gateway.sluice.close();
    // A reset would reject this read loop; a clean end finishes it.
    for (let part = await reader.read(); !part.done; part = await reader.read()) text += Buffer.from(part.value).toString();
    await closing;
    const elapsedMs = performance.now() - started;

    const events = sseData(text);
    expect(events.at(-1)).toBe('[DONE]');
    const error = JSON.parse(events.at(-2) ?? '{}') as { error?: { code?: string; type?: string } };
    expect(error.error).toMatchObject({ code: 'shutting_down', type: 'server_error' });
    expect(events.length).toBeGreaterThan(3);
    expect(elapsedMs).toBeLessThan(2000);

    const reopened = await openStore(gateway.store);
    const row = await reopened.requestLogs.get(requestId);
    await reopened.close();
    expect(row).toMatchObject({ requestId, channel: 'up', clientStream: true, errorCode: 'shutting_down' });
  });

  it('answers a non-stream request still waiting at the deadline with a 503 shutting_down', async () => {
    const upstream = await startEmulator(
      chatCompletionsOnly(async (_request, response) => {
        await new Promise((resolve) => setTimeout(resolve, 5000));
        if (!response.destroyed) response.destroy();
      }),
    );
    cleanups.push(() => upstream.close());
    const gateway = await startYamlGateway(`channels:\n  - { name: up, type: openai, base_url: ${upstream.url}, api_key: k, models: [m] }`, { shutdownMs: 300 });
    cleanups.push(() => gateway.close());
    const pending = gateway.client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    while (upstream.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await gateway.sluice.close();
    expect(await pending).toMatchObject({ status: 503, code: 'shutting_down' });
  });
});
