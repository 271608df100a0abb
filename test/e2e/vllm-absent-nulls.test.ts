// vLLM: fields it never set are absent (treat missing as null) and reasoning is `reasoning`
// (vllm-project/vllm#27752). The client reads it as `reasoning_content`, as from DeepSeek.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startVllmEmulator, vllmModel, vllmReasoning, vllmText, vllmUsage } from '../emulators/vllm-absent-nulls.ts';
import { completeChat, extraText, streamChat } from '../support/collect-chat-stream.ts';
import {
  expectModelInEveryChunk,
  expectNonStreamUpstreamBody,
  expectNoUsage,
  expectOneFinalUsageChunk,
  expectUsageNumbers,
  onlyUpstreamBody,
} from '../support/expectations.ts';
import { startGateway, type Gateway } from '../support/start-gateway.ts';

describe('vLLM (absent nulls, delta.reasoning) behind Sluice', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  beforeAll(async () => {
    emulator = await startVllmEmulator();
    gateway = await startGateway([{ name: 'vllm', baseUrl: emulator.url, models: [vllmModel] }]);
  });
  afterAll(async () => {
    await gateway.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.received.length = 0;
  });

  it('streams reasoning as reasoning_content, then the text, with the upstream usage', async () => {
    const collected = await streamChat(gateway.client, vllmModel, true);
    expect(collected.reasoning).toBe(vllmReasoning);
    expect(collected.content).toBe(vllmText);
    expect(collected.finishReasons).toEqual(['stop']);
    expectModelInEveryChunk(collected, vllmModel);
    expectUsageNumbers(expectOneFinalUsageChunk(collected), vllmUsage);
    expect(onlyUpstreamBody(emulator)['stream']).toBe(true);
  });

  it('sends no usage chunk when the client did not ask for usage', async () => {
    const collected = await streamChat(gateway.client, vllmModel, false);
    expect(collected.content).toBe(vllmText);
    expectNoUsage(collected);
    onlyUpstreamBody(emulator);
  });

  it('answers a non-stream call with message.reasoning_content', async () => {
    const completion = await completeChat(gateway.client, vllmModel);
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe(vllmText);
    expect(extraText(message, 'reasoning_content')).toBe(vllmReasoning);
    expect(completion.model).toBe(vllmModel);
    expectUsageNumbers(completion.usage, vllmUsage);
    expectNonStreamUpstreamBody(onlyUpstreamBody(emulator));
  });
});
