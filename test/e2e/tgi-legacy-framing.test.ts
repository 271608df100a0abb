// docs/design.md problem 2: upstream SSE not framed the way a gateway expects. TGI ≤ 2.0.4 writes
// `data:{…}` with no space; one-api's clients got empty streams. Sluice must read it and write
// clean OpenAI SSE, under the client's model name (TGI answers with its own model id).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startTgiEmulator, tgiText, tgiUsage } from '../emulators/tgi-legacy-framing.ts';
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

const model = 'llama-3-8b';

describe('TGI 2.0.x (data: with no space) behind Sluice', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  beforeAll(async () => {
    emulator = await startTgiEmulator();
    gateway = await startGateway([{ name: 'tgi', baseUrl: emulator.url, models: [model] }]);
  });
  afterAll(async () => {
    await gateway.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.received.length = 0;
  });

  it('streams the whole text from data: lines without a space, with counted usage', async () => {
    const collected = await streamChat(gateway.client, model, true);
    expect(collected.content).toBe(tgiText);
    expectModelInEveryChunk(collected, model);
    // TGI 2.0.x ignores stream_options and never sends usage: Sluice counts it.
    expectCountedUsage(expectOneFinalUsageChunk(collected));
    expect(onlyUpstreamBody(emulator)['stream']).toBe(true);
  });

  it('sends no usage chunk when the client did not ask for usage', async () => {
    const collected = await streamChat(gateway.client, model, false);
    expect(collected.content).toBe(tgiText);
    expectNoUsage(collected);
    onlyUpstreamBody(emulator);
  });

  it('answers a non-stream call with the text, usage and the model the client asked for', async () => {
    const completion = await completeChat(gateway.client, model);
    expect(completion.choices[0]?.message.content).toBe(tgiText);
    expect(completion.model).toBe(model);
    expectUsageNumbers(completion.usage, tgiUsage);
    expectNonStreamUpstreamBody(onlyUpstreamBody(emulator));
  });

  it('normalizes object and finish_reason: chat.completion.chunk and stop, not text_completion and eos_token', async () => {
    const collected = await streamChat(gateway.client, model, false);
    expect(new Set(collected.chunks.map((chunk) => chunk.object))).toEqual(new Set(['chat.completion.chunk']));
    expect(collected.finishReasons).toEqual(['stop']);
    const completion = await completeChat(gateway.client, model);
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });
});
