// Issue 12: thousands of seeded malformed requests (valid ones broken field by field, junk instead
// of JSON, garbage nested 60 deep, numbers far out of range) → each is a 4xx in the OpenAI shape,
// none is a 5xx, none reaches an upstream, and the gateway still answers a valid request afterwards.
// A failure prints the seed and the body, so it can be replayed with makeMalformedRequest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startOpenAiEmbeddings } from '../emulators/embeddings-upstreams.ts';
import { startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { postRaw } from '../support/post-raw.ts';
import { makeMalformedRequest, mulberry32, templates, type MalformedRequest } from './malformed-requests.ts';

const seed = 0x5eed12;
const requestCount = 3000;
/** Requests in flight at once: enough to keep the gateway busy, few enough for a shared machine. */
const concurrency = 8;

let chat: Emulator;
let embeddings: Emulator;
let sluice: RunningSluice;

beforeAll(async () => {
  [chat, embeddings] = await Promise.all([startOpenAiEmulator(), startOpenAiEmbeddings()]);
  const yaml = `
log_level: silent
channels:
  - { name: chat, type: openai, base_url: ${chat.url}, api_key: sk-c, models: [gpt-4o] }
  - { name: embed, type: openai, base_url: ${embeddings.url}, api_key: sk-e, models: [text-embedding-3-small] }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'fuzz.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
});

afterAll(async () => {
  await sluice.close();
  await Promise.all([chat.close(), embeddings.close()]);
});

async function send(request: MalformedRequest): Promise<{ status: number; text: string }> {
  const response = await fetch(`${sluice.url}${request.endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: request.text,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, text: await response.text() };
}

describe('fuzzing the request edge', () => {
  it(`refuses ${requestCount} malformed requests with a 4xx, relays none, and keeps serving`, async () => {
    const random = mulberry32(seed);
    const requests = Array.from({ length: requestCount }, () => makeMalformedRequest(random));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length) {
          const request = requests[next++] as MalformedRequest;
          const answer = await send(request);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const error = (JSON.parse(answer.text) as { error?: { type?: string } }).error;
          if (answer.status < 400 || answer.status >= 500 || error?.type !== 'invalid_request_error') {
            failures.push(`seed ${seed}: ${request.endpoint} ${request.text.slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`);
          }
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    expect(failures.slice(0, 5)).toEqual([]);
    expect([...statuses.keys()]).toEqual([400]);
    expect(chat.received.length + embeddings.received.length).toBe(0);
    expect(elapsedMs).toBeLessThan(15_000);

    for (const template of templates) {
      const answer = await postRaw(`${sluice.url}${template.endpoint}`, template.body);
      expect(answer.status).toBe(200);
    }
    expect(chat.received).toHaveLength(1);
    expect(embeddings.received).toHaveLength(1);
  }, 30_000);
});
