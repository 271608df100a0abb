// The collect path's floor (bench/bare-collect.ts, `bare-proxy.ts --collect`): it must do the collect path's
// job for real, or the bench's floor for that budget would measure less work than Sluice does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBareProxy, type RunningBareProxy } from '../../bench/bare-proxy.ts';
import { startMockUpstream, type RunningMock } from '../../bench/mock-upstream.ts';

let mock: RunningMock;
let floor: RunningBareProxy;

beforeAll(async () => {
  mock = await startMockUpstream({ settings: { chunks: 5, delayMs: 0 } });
  floor = await startBareProxy({ upstream: mock.url, collect: true });
});

afterAll(async () => {
  await floor.close();
  await mock.close();
});

describe('the collecting bare proxy', () => {
  it("answers a non-stream call to a stream-only model with one completion: every chunk's content in order, the finish and the upstream's usage", async () => {
    const response = await fetch(`${floor.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-upstream' },
      body: JSON.stringify({ model: 'bench-stream-only', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { object: string; model: string; choices: { message: { role: string; content: string }; finish_reason: string }[]; usage: unknown };
    expect(answer).toMatchObject({ object: 'chat.completion', model: 'bench-stream-only', usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } });
    expect(answer.choices[0]).toMatchObject({ message: { role: 'assistant' }, finish_reason: 'stop' });
    expect([...answer.choices[0]!.message.content.matchAll(/c(\d+)@/g)].map((match) => Number(match[1]))).toEqual([0, 1, 2, 3, 4]);
  });

  it("passes an upstream's refusal on with its status", async () => {
    const response = await fetch(`${floor.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bench-no-stream', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("'stream' does not support true");
  });
});
