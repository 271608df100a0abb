// Issue 12: one flaky-but-working channel (1st try a broken body, 2nd a 503, 3rd fine) with 20
// concurrent clients: the consecutive-failure breaker opened and 20 of 100 mixed requests failed,
// although every one would have succeeded on its third try.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { answerFor } from '../emulators/faulty-upstream.ts';
import { startFlakyUpstream } from '../emulators/isolation-upstreams.ts';
import { startIsolatedGateway, type IsolatedGateway } from './isolated-gateway.ts';

let upstream: Emulator;
let sluice: IsolatedGateway;

beforeAll(async () => {
  upstream = await startFlakyUpstream();
  // The default breaker (rate 50 % over 60 s, at least 10 calls); three tries per channel.
  sluice = await startIsolatedGateway(`retry: { attempts: 3, base_ms: 1, max_ms: 10 }
channels:
  - { name: flaky, type: openai, base_url: ${upstream.url}, api_key: k, models: [m] }
`);
});

afterAll(async () => {
  await sluice.close();
  await upstream.close();
});

async function askOnce(index: number): Promise<string> {
  const question = `question ${index}`;
  const client = index % 2 === 0 ? sluice.keyA : sluice.keyB;
  const messages = [{ role: 'user' as const, content: question }];
  if (index % 3 === 0) {
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    return content;
  }
  const completion = await client.chat.completions.create({ model: 'm', messages });
  return completion.choices[0]?.message.content ?? '';
}

describe('a flaky sole channel', () => {
  it('answers all of 100 mixed requests from 20 concurrent clients', async () => {
    const total = 100;
    const concurrency = 20;
    let next = 0;
    const answers: Array<string | Error> = new Array<string | Error>(total);
    const worker = async (): Promise<void> => {
      while (next < total) {
        const index = next;
        next += 1;
        answers[index] = await askOnce(index).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    const failed = answers.filter((answer) => answer instanceof Error);
    expect(failed.map((error) => error.message)).toEqual([]);
    expect(answers).toEqual(Array.from({ length: total }, (_, index) => answerFor(`question ${index}`)));
    expect(upstream.received).toHaveLength(total * 3);
  });
});
