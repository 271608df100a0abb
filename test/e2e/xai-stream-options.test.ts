// docs/design.md problem 1: an upstream rejects the `stream_options` a gateway adds. With the operator's
// hint `stream_options: false`, Sluice never sends it and still gives usage to a client that asked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startXaiEmulator, xaiModel, xaiText, xaiUsage } from '../emulators/xai-rejects-stream-options.ts';
import { completeChat, streamChat } from '../support/collect-chat-stream.ts';
import {
  expectCountedUsage,
  expectModelInEveryChunk,
  expectNonStreamUpstreamBody,
  expectNoUsage,
  expectOneFinalUsageChunk,
  expectUsageNumbers,
  onlyUpstreamBody,
} from '../support/expectations.ts';
import { startGateway, type Gateway } from '../support/start-gateway.ts';

describe('xAI grok-2-1212 behind Sluice with stream_options: false', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  beforeAll(async () => {
    emulator = await startXaiEmulator();
    gateway = await startGateway([
      { name: 'xai', baseUrl: emulator.url, models: [xaiModel], capabilities: { [xaiModel]: { stream_options: false } } },
    ]);
  });
  afterAll(async () => {
    await gateway.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.received.length = 0;
  });

  it('streams the text and counted usage without sending stream_options upstream', async () => {
    const collected = await streamChat(gateway.client, xaiModel, true);
    expect(collected.content).toBe(xaiText);
    expect(collected.finishReasons).toEqual(['stop']);
    expectModelInEveryChunk(collected, xaiModel);
    expectCountedUsage(expectOneFinalUsageChunk(collected));
    const body = onlyUpstreamBody(emulator);
    expect(body['stream']).toBe(true);
    expect(Object.hasOwn(body, 'stream_options'), 'stream_options sent to xAI').toBe(false);
  });

  it('sends no usage chunk when the client did not ask for usage', async () => {
    const collected = await streamChat(gateway.client, xaiModel, false);
    expect(collected.content).toBe(xaiText);
    expectNoUsage(collected);
    expect(Object.hasOwn(onlyUpstreamBody(emulator), 'stream_options')).toBe(false);
  });

  it('answers a non-stream call with the upstream text and usage', async () => {
    const completion = await completeChat(gateway.client, xaiModel);
    expect(completion.choices[0]?.message.content).toBe(xaiText);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.model).toBe(xaiModel);
    expectUsageNumbers(completion.usage, xaiUsage);
    expectNonStreamUpstreamBody(onlyUpstreamBody(emulator));
  });
});
