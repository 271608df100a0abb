// The baseline: a well-behaved OpenAI upstream relayed as is, plus model_map (client name →
// upstream name, the client keeps seeing its own name).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { openAiText, openAiUsageNumbers, startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { completeChat, streamChat } from '../support/collect-chat-stream.ts';
import {
  expectModelInEveryChunk,
  expectNonStreamUpstreamBody,
  expectNoUsage,
  expectOneFinalUsageChunk,
  expectUsageNumbers,
  onlyUpstreamBody,
} from '../support/expectations.ts';
import { startGateway, type Gateway } from '../support/start-gateway.ts';

const model = 'gpt-4o-mini';
const alias = 'house-model';

describe('a well-behaved OpenAI upstream behind Sluice', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  beforeAll(async () => {
    emulator = await startOpenAiEmulator();
    gateway = await startGateway([
      { name: 'openai', baseUrl: emulator.url, models: [model], modelMap: { [alias]: model } },
    ]);
  });
  afterAll(async () => {
    await gateway.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.received.length = 0;
  });

  it('streams the text and the upstream usage, asking the upstream for usage', async () => {
    const collected = await streamChat(gateway.client, model, true);
    expect(collected.content).toBe(openAiText);
    expect(collected.finishReasons).toEqual(['stop']);
    expectModelInEveryChunk(collected, model);
    expectUsageNumbers(expectOneFinalUsageChunk(collected), openAiUsageNumbers);
    const body = onlyUpstreamBody(emulator);
    expect(body['stream']).toBe(true);
    expect(body['stream_options']).toEqual({ include_usage: true });
  });

  it('sends no usage chunk when the client did not ask for usage', async () => {
    const collected = await streamChat(gateway.client, model, false);
    expect(collected.content).toBe(openAiText);
    expectNoUsage(collected);
    onlyUpstreamBody(emulator);
  });

  it('answers a non-stream call without sending stream_options', async () => {
    const completion = await completeChat(gateway.client, model);
    expect(completion.choices[0]?.message.content).toBe(openAiText);
    expect(completion.model).toBe(model);
    expectUsageNumbers(completion.usage, openAiUsageNumbers);
    expectNonStreamUpstreamBody(onlyUpstreamBody(emulator));
  });

  it('maps a client model name to the upstream name and answers under the client name', async () => {
    const collected = await streamChat(gateway.client, alias, false);
    expect(collected.content).toBe(openAiText);
    expectModelInEveryChunk(collected, alias);
    expect(onlyUpstreamBody(emulator)['model']).toBe(model);
    emulator.received.length = 0;
    const completion = await completeChat(gateway.client, alias);
    expect(completion.model).toBe(alias);
    expect(onlyUpstreamBody(emulator)['model']).toBe(model);
  });
});
