// Tool calls streamed in fragments, in the four shapes real upstreams use (docs/wire-formats.md 0.5):
// the client assembles the same two calls, with arguments that parse to the same JSON, every time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startToolCallEmulator, toolCallReasoning, toolCalls, toolCallUsage } from '../emulators/tool-call-fragments.ts';
import { completeChat, extraField, extraText, streamChat, type AssembledToolCall } from '../support/collect-chat-stream.ts';
import {
  expectModelInEveryChunk,
  expectNonStreamUpstreamBody,
  expectOneFinalUsageChunk,
  expectUsageNumbers,
  onlyUpstreamBody,
} from '../support/expectations.ts';
import { startGateway, type Gateway } from '../support/start-gateway.ts';

const expectedCalls = toolCalls.map((call) => ({ id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown }));

function asComparable(calls: readonly AssembledToolCall[]): { id: string | undefined; name: string; input: unknown }[] {
  return calls.map((call) => ({ id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown }));
}

const variants = ['tools', 'tools-index1', 'tools-one-chunk', 'tools-no-type'];

describe('tool-call fragments behind Sluice', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  beforeAll(async () => {
    emulator = await startToolCallEmulator();
    gateway = await startGateway([{ name: 'tools', baseUrl: emulator.url, models: ['tools', 'tools-*'] }]);
  });
  afterAll(async () => {
    await gateway.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.received.length = 0;
  });

  describe.each(variants)('%s', (model) => {
    it('streams two calls whose arguments parse to the upstream JSON', async () => {
      const collected = await streamChat(gateway.client, model, true);
      expect(asComparable(collected.toolCalls)).toEqual(expectedCalls);
      expect(collected.finishReasons).toEqual(['tool_calls']);
      expectModelInEveryChunk(collected, model);
      expectUsageNumbers(expectOneFinalUsageChunk(collected), toolCallUsage);
      if (model === 'tools-one-chunk') expect(collected.reasoning).toBe(toolCallReasoning);
      expect(onlyUpstreamBody(emulator)['stream']).toBe(true);
    });

    it('answers a non-stream call with both tool calls', async () => {
      const completion = await completeChat(gateway.client, model);
      const message = completion.choices[0]?.message;
      // Read `function` whatever `type` says: the no-type variant's `type` has its own test below.
      const calls = (message?.tool_calls ?? []).map((call) => {
        const fn = extraField(call, 'function') as { name: string; arguments: string } | undefined;
        return { id: call.id, name: fn?.name, input: JSON.parse(fn?.arguments ?? 'null') as unknown };
      });
      expect(calls).toEqual(expectedCalls);
      expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
      expect(completion.model).toBe(model);
      expectUsageNumbers(completion.usage, toolCallUsage);
      if (model === 'tools-one-chunk') expect(extraText(message, 'reasoning_content')).toBe(toolCallReasoning);
      expectNonStreamUpstreamBody(onlyUpstreamBody(emulator));
    });
  });

  it('gives the client tool-call indexes from 0 when the upstream starts at 1', async () => {
    const collected = await streamChat(gateway.client, 'tools-index1', false);
    expect(collected.toolCalls.map((call) => call.index)).toEqual([0, 1]);
  });

  it('gives the client type "function" on each call when the upstream omits it', async () => {
    const stream = await streamChat(gateway.client, 'tools-no-type', false);
    expect(stream.toolCalls.map((call) => call.type)).toEqual(['function', 'function']);
    const completion = await completeChat(gateway.client, 'tools-no-type');
    expect(completion.choices[0]?.message.tool_calls?.map((call) => call.type)).toEqual(['function', 'function']);
  });
});
