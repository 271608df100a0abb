// docs/design.md problem 4: a model that refuses `stream: true` (o3-mini on Azure). Sluice calls it
// without streaming and replays the answer as a well-formed SSE stream for a streaming client.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  azureModel,
  azureReasoningTokens,
  azureText,
  azureUsage,
  startAzureEmulator,
} from '../emulators/azure-refuses-stream.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
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

describe('Azure o3-mini (refuses stream) behind Sluice with stream: unsupported', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  beforeAll(async () => {
    emulator = await startAzureEmulator();
    gateway = await startGateway([
      { name: 'azure', baseUrl: emulator.url, models: [azureModel], capabilities: { [azureModel]: { stream: 'unsupported' } } },
    ]);
  });
  afterAll(async () => {
    await gateway.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.received.length = 0;
  });

  it('replays a non-stream answer as a stream, with the upstream usage', async () => {
    const collected = await streamChat(gateway.client, azureModel, true);
    expect(collected.content).toBe(azureText);
    expect(collected.finishReasons).toEqual(['stop']);
    expectModelInEveryChunk(collected, azureModel);
    expectUsageNumbers(expectOneFinalUsageChunk(collected), azureUsage);
    expectNonStreamUpstreamBody(onlyUpstreamBody(emulator));
  });

  it('replays without a usage chunk when the client did not ask for usage', async () => {
    const collected = await streamChat(gateway.client, azureModel, false);
    expect(collected.content).toBe(azureText);
    expectNoUsage(collected);
    expectNonStreamUpstreamBody(onlyUpstreamBody(emulator));
  });

  it('answers a non-stream call with text, usage and reasoning tokens, under the asked model', async () => {
    const completion = await completeChat(gateway.client, azureModel);
    expect(completion.choices[0]?.message.content).toBe(azureText);
    expect(completion.model).toBe(azureModel);
    expectUsageNumbers(completion.usage, azureUsage);
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(azureReasoningTokens);
    expectNonStreamUpstreamBody(onlyUpstreamBody(emulator));
  });
});
