// An OpenAI-compatible upstream with a pace: each answer waits `delayMs` before its headers (the
// time to first token a client sees), may fail a share of requests with a 503, and may hold a
// stream open after its first chunk until released — an upstream slower, flakier or busier than its
// peers, for the balancing strategies (docs/routing.md).
import type { ServerResponse } from 'node:http';
import { chatCompletionsOnly, startEmulator, wantsStream, type Emulator } from './emulator-server.ts';
import { serveFault } from './faulty-upstream.ts';
import { dataFrame, openAiDone } from './sse-writer.ts';

export interface Pace {
  delayMs: number;
  /** Every `failEvery`-th request answers 503 (10: fails 10 %). */
  failEvery?: number;
  /** Streams send one chunk, then wait for `release()`. */
  hold?: boolean;
}

export interface PacedUpstream extends Emulator {
  /** Ends every held stream. */
  release(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPacedUpstream(pace: Pace): Promise<PacedUpstream> {
  const held: Array<() => void> = [];
  let count = 0;
  const holdStream = async (model: string, response: ServerResponse): Promise<void> => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta: object, finish: string | null = null) => dataFrame(JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] }));
    response.write(chunk({ role: 'assistant', content: 'held' }));
    await new Promise<void>((resolve) => held.push(resolve));
    response.end(chunk({}, 'stop') + openAiDone);
  };
  const emulator = await startEmulator(
    chatCompletionsOnly(async (request, response) => {
      count += 1;
      await sleep(pace.delayMs);
      if (pace.failEvery !== undefined && count % pace.failEvery === 0) return serveFault({ status: 503 }, request, response);
      if (pace.hold === true && wantsStream(request)) return holdStream(String(request.body?.['model']), response);
      return serveFault('ok', request, response);
    }),
  );
  return Object.assign(emulator, { release: () => { for (const resolve of held.splice(0)) resolve(); } });
}
