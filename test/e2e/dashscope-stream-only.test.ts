// docs/design.md problem 3: a model that only works with `stream: true` (DashScope QwQ). Sluice calls it
// in stream mode and folds the chunks into one chat.completion for a non-streaming client.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  dashscopeModel,
  dashscopeReasoning,
  dashscopeText,
  dashscopeUsage,
  startDashscopeEmulator,
} from '../emulators/dashscope-stream-only.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { completeChat, extraText, streamChat } from '../support/collect-chat-stream.ts';
import {
  expectModelInEveryChunk,
  expectNoUsage,
  expectOneFinalUsageChunk,
  expectUsageNumbers,
  onlyUpstreamBody,
} from '../support/expectations.ts';
import { startGateway, type Gateway } from '../support/start-gateway.ts';

describe('DashScope QwQ (stream only) behind Sluice with stream: required', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  beforeAll(async () => {
    emulator = await startDashscopeEmulator();
    gateway = await startGateway([
      { name: 'dashscope', baseUrl: emulator.url, models: ['qwq-*'], capabilities: { 'qwq-*': { stream: 'required' } } },
    ]);
  });
  afterAll(async () => {
    await gateway.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.received.length = 0;
  });

  it('answers a non-stream client with one completion folded from a stream call', async () => {
    const completion = await completeChat(gateway.client, dashscopeModel);
    const message = completion.choices[0]?.message;
    expect(completion.object).toBe('chat.completion');
    expect(message?.content).toBe(dashscopeText);
    expect(extraText(message, 'reasoning_content')).toBe(dashscopeReasoning);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.model).toBe(dashscopeModel);
    expect(onlyUpstreamBody(emulator)['stream'], 'stream sent to DashScope').toBe(true);
  });

  it('gives the non-stream client the usage DashScope reported', async () => {
    const completion = await completeChat(gateway.client, dashscopeModel);
    expectUsageNumbers(completion.usage, dashscopeUsage);
    expect(onlyUpstreamBody(emulator)['stream_options'], 'include_usage asked of DashScope').toEqual({ include_usage: true });
  });

  it('streams reasoning_content then content, with the upstream usage', async () => {
    const collected = await streamChat(gateway.client, dashscopeModel, true);
    expect(collected.reasoning).toBe(dashscopeReasoning);
    expect(collected.content).toBe(dashscopeText);
    expect(collected.finishReasons).toEqual(['stop']);
    expectModelInEveryChunk(collected, dashscopeModel);
    expectUsageNumbers(expectOneFinalUsageChunk(collected), dashscopeUsage);
    expect(onlyUpstreamBody(emulator)['stream']).toBe(true);
  });

  it('sends no usage chunk when the streaming client did not ask for usage', async () => {
    const collected = await streamChat(gateway.client, dashscopeModel, false);
    expect(collected.content).toBe(dashscopeText);
    expectNoUsage(collected);
    onlyUpstreamBody(emulator);
  });
});
