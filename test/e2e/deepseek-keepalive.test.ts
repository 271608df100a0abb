// DeepSeek under load: `: keep-alive` comments in streams, empty lines before non-stream JSON, and
// usage riding on the finish_reason chunk (docs/wire-formats.md 2.4). The client gets clean OpenAI shapes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  deepseekModel,
  deepseekReasoning,
  deepseekText,
  deepseekUsage,
  startDeepseekEmulator,
} from '../emulators/deepseek-keepalive.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
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

describe('DeepSeek (keep-alive comments, blank-line preamble) behind Sluice', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  beforeAll(async () => {
    emulator = await startDeepseekEmulator();
    gateway = await startGateway([{ name: 'deepseek', baseUrl: emulator.url, models: [deepseekModel] }]);
  });
  afterAll(async () => {
    await gateway.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.received.length = 0;
  });

  it('streams reasoning and text through keep-alive comments, with the upstream usage once', async () => {
    const collected = await streamChat(gateway.client, deepseekModel, true);
    expect(collected.reasoning).toBe(deepseekReasoning);
    expect(collected.content).toBe(deepseekText);
    expect(collected.finishReasons).toEqual(['stop']);
    expectModelInEveryChunk(collected, deepseekModel);
    expect(collected.usageChunks, 'chunks carrying usage').toHaveLength(1);
    expectUsageNumbers(collected.usageChunks[0]?.usage, deepseekUsage);
    expect(onlyUpstreamBody(emulator)['stream']).toBe(true);
  });

  it('moves usage from the finish chunk into a final choices: [] chunk', async () => {
    const collected = await streamChat(gateway.client, deepseekModel, true);
    expectUsageNumbers(expectOneFinalUsageChunk(collected), deepseekUsage);
  });

  it('drops the usage DeepSeek sends when the client did not ask for it', async () => {
    const collected = await streamChat(gateway.client, deepseekModel, false);
    expect(collected.content).toBe(deepseekText);
    expectNoUsage(collected);
    onlyUpstreamBody(emulator);
  });

  it('reads a non-stream JSON body that starts with empty lines', async () => {
    const completion = await completeChat(gateway.client, deepseekModel);
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe(deepseekText);
    expect(extraText(message, 'reasoning_content')).toBe(deepseekReasoning);
    expect(completion.model).toBe(deepseekModel);
    expectUsageNumbers(completion.usage, deepseekUsage);
    expectNonStreamUpstreamBody(onlyUpstreamBody(emulator));
  });
});
