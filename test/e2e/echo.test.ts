// The built-in echo channel: streams the last user message back word by word, with usage, so a
// first request works with no upstream account (docs/design.md "Interfaces").
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectChatStream } from '../support/collect-chat-stream.ts';
import { expectCountedUsage, expectModelInEveryChunk, expectNoUsage, expectOneFinalUsageChunk } from '../support/expectations.ts';
import { startGateway, type Gateway } from '../support/start-gateway.ts';

const said = 'The quick brown fox jumps over the lazy dog';

function ask(client: OpenAI, model: string, includeUsage: boolean): ReturnType<typeof collectChatStream> {
  return client.chat.completions
    .create({
      model,
      messages: [
        { role: 'user', content: 'an earlier message' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: said },
      ],
      stream: true,
      ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
    })
    .then(collectChatStream);
}

describe('the echo channel', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway([{ name: 'echo', type: 'echo', models: ['echo', 'echo-*'] }]);
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('streams the last user message back word by word, with usage', async () => {
    const collected = await ask(gateway.client, 'echo', true);
    expect(collected.content).toBe(said);
    const pieces = collected.chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? '')).filter(Boolean);
    expect(pieces.length).toBeGreaterThanOrEqual(said.split(' ').length);
    expect(collected.finishReasons).toEqual(['stop']);
    expectModelInEveryChunk(collected, 'echo');
    expectCountedUsage(expectOneFinalUsageChunk(collected));
  });

  it('serves any model matching echo-*, without usage when not asked', async () => {
    const collected = await ask(gateway.client, 'echo-fast', false);
    expect(collected.content).toBe(said);
    expectModelInEveryChunk(collected, 'echo-fast');
    expectNoUsage(collected);
  });

  it('answers a non-stream call with the message and usage', async () => {
    const completion = await gateway.client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: said }],
    });
    expect(completion.choices[0]?.message.content).toBe(said);
    expect(completion.model).toBe('echo');
    expectCountedUsage(completion.usage);
  });
});
