// Issue 12: x-sluice-overhead-ms and the logged overhead went negative on retries and fallbacks
// (−353 ms seen): a try's duration took in the backoff after it, counted once more as waiting.
// Overhead is Sluice's own time: backoff waits, queueing for a slot and upstream time left out.
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletionsOnly, startEmulator, type Emulator } from '../emulators/emulator-server.ts';
import { serveFault, startFaultyUpstream, type Fault } from '../emulators/faulty-upstream.ts';
import { rowsOf } from '../support/admin-client.ts';
import { startIsolatedGateway, type IsolatedGateway } from './isolated-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function track<T extends Emulator | IsolatedGateway>(started: Promise<T>): Promise<T> {
  const value = await started;
  cleanups.push(() => value.close());
  return value;
}

const ask = (question: string) => ({ model: 'm', messages: [{ role: 'user' as const, content: question }] });

async function overheads(sluice: IsolatedGateway, questions: readonly string[]): Promise<{ headers: number[]; logged: number[] }> {
  const headers = await Promise.all(
    questions.map(async (question) => Number((await sluice.keyA.chat.completions.create(ask(question)).withResponse()).response.headers.get('x-sluice-overhead-ms'))),
  );
  const logged = rowsOf(await sluice.admin('GET', '/logs')).map((row) => Number(row['overhead_ms']));
  return { headers, logged };
}

describe('honest overhead', () => {
  it('is never negative over retries with backoff and over fallbacks', async () => {
    const down = await track(startFaultyUpstream((): Fault => ({ status: 503 })));
    const rescue = await track(startFaultyUpstream((): Fault => 'ok'));
    // Every request: three tries on `down` with two backoffs between them, then the fallback model.
    const sluice = await track(
      startIsolatedGateway(`retry: { attempts: 3, base_ms: 60, max_ms: 60 }
fallbacks: { m: [backup] }
channels:
  - { name: down, type: openai, base_url: ${down.url}, api_key: k, models: [m] }
  - { name: rescue, type: openai, base_url: ${rescue.url}, api_key: k, models: [backup] }
`),
    );
    const { headers, logged } = await overheads(sluice, ['a', 'b', 'c']);
    expect(headers).toHaveLength(3);
    expect(down.received).toHaveLength(9);
    expect(logged.length).toBeGreaterThanOrEqual(3);
    for (const overhead of [...headers, ...logged]) expect(overhead).toBeGreaterThanOrEqual(0);
  });

  it('leaves time queued for a slot out of it', async () => {
    const slow = await track(
      startEmulator(
        chatCompletionsOnly(async (request, response) => {
          await new Promise((resolve) => setTimeout(resolve, 150));
          return serveFault('ok', request, response);
        }),
      ),
    );
    const sluice = await track(
      startIsolatedGateway(`channels:
  - { name: one, type: openai, base_url: ${slow.url}, api_key: k, models: [m], max_concurrency: 1 }
`),
    );
    const { headers } = await overheads(sluice, ['a', 'b', 'c']);
    // The third request waited ~300 ms in line: none of it is Sluice's own time.
    for (const overhead of headers) {
      expect(overhead).toBeGreaterThanOrEqual(0);
      expect(overhead).toBeLessThan(100);
    }
  });
});
