// Graceful shutdown: stop accepting, let the open stream finish, flush the request log, close the
// store — so the row of a request that was streaming when SIGTERM came is on disk afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { openStore } from '../../src/store/index.ts';
import { chatCompletionsOnly, startEmulator } from '../emulators/emulator-server.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const frame = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe('shutdown', () => {
  it('lets an open stream finish, refuses new connections, and flushes its log row', async () => {
    const upstream = await startEmulator(
      chatCompletionsOnly(async (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const word of ['one', ' two', ' three', ' four']) {
          response.write(frame({ content: word }));
          await new Promise((resolve) => setTimeout(resolve, 80));
        }
        response.end(`${frame({}, 'stop')}data: [DONE]\n\n`);
      }),
    );
    cleanups.push(() => upstream.close());
    const directory = await mkdtemp(join(tmpdir(), 'sluice-shutdown-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const store = `sqlite:${join(directory, 'sluice.db')}`;
    const config = parseConfig(`store: "${store}"\nchannels:\n  - { name: up, type: openai, base_url: ${upstream.url}, api_key: k, models: [m] }`, { file: 'test.yaml', env: {} });
    const sluice = await startSluice(config, { port: 0, shutdownMs: 5000 });

    const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
    const requestId = response.headers.get('x-request-id') ?? '';
    const reader = response.body!.getReader();
    await reader.read();
    const closing = sluice.close();
    await expect(fetch(`${sluice.url}/healthz`)).rejects.toThrow();
    let text = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) text += Buffer.from(part.value).toString();
    await closing;
    expect(text).toContain(' four');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);

    const reopened = await openStore(store);
    const row = await reopened.requestLogs.get(requestId);
    await reopened.close();
    expect(row).toMatchObject({ requestId, status: 200, channel: 'up', clientStream: true });
  });
});
