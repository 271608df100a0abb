// A second real client: the Vercel AI SDK's OpenAI-compatible provider, in both modes, against
// the tool-call and reasoning upstreams. It reads `reasoning_content` (or `reasoning`) as reasoning
// and errors on a stream that ends without a finish reason (docs/wire-formats.md 3.4).
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, stepCountIs, streamText, tool, type LanguageModelUsage } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashscopeModel, dashscopeReasoning, dashscopeText, dashscopeUsage, startDashscopeEmulator } from '../emulators/dashscope-stream-only.ts';
import { deepseekModel, deepseekReasoning, deepseekText, deepseekUsage, startDeepseekEmulator } from '../emulators/deepseek-keepalive.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import type { UsageNumbers } from '../emulators/openai-chunks.ts';
import { startToolCallEmulator, toolCalls, toolCallUsage } from '../emulators/tool-call-fragments.ts';
import { startGateway, type Gateway } from '../support/start-gateway.ts';

const tools = {
  get_weather: tool({
    inputSchema: jsonSchema({
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string' } },
      required: ['location', 'unit'],
    }),
    execute: () => 'sunny',
  }),
  get_time: tool({
    inputSchema: jsonSchema({
      type: 'object',
      properties: { timezone: { type: 'string' } },
      required: ['timezone'],
    }),
    execute: () => '12:00',
  }),
};

const expectedCalls = toolCalls.map((call) => ({ toolCallId: call.id, toolName: call.name, input: JSON.parse(call.arguments) as unknown }));

function expectUsage(usage: LanguageModelUsage, expected: UsageNumbers): void {
  expect({ input: usage.inputTokens, output: usage.outputTokens }).toEqual({
    input: expected.prompt_tokens,
    output: expected.completion_tokens,
  });
}

const reasoningUpstreams = [
  { model: deepseekModel, reasoning: deepseekReasoning, text: deepseekText, usage: deepseekUsage },
  { model: dashscopeModel, reasoning: dashscopeReasoning, text: dashscopeText, usage: dashscopeUsage },
];

describe('Vercel AI SDK (openai-compatible) through Sluice', () => {
  const emulators: Emulator[] = [];
  let gateway: Gateway;
  let model: ReturnType<typeof createOpenAICompatible>;
  beforeAll(async () => {
    const [toolsEmulator, deepseek, dashscope] = await Promise.all([
      startToolCallEmulator(),
      startDeepseekEmulator(),
      startDashscopeEmulator(),
    ]);
    emulators.push(toolsEmulator, deepseek, dashscope);
    gateway = await startGateway([
      { name: 'tools', baseUrl: toolsEmulator.url, models: ['tools', 'tools-*'] },
      { name: 'deepseek', baseUrl: deepseek.url, models: [deepseekModel] },
      { name: 'dashscope', baseUrl: dashscope.url, models: ['qwq-*'], capabilities: { 'qwq-*': { stream: 'required' } } },
    ]);
    model = createOpenAICompatible({ name: 'sluice', baseURL: `${gateway.url}/v1`, apiKey: 'anything', includeUsage: true });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all(emulators.map((emulator) => emulator.close()));
  });

  it.each(['tools', 'tools-index1', 'tools-one-chunk', 'tools-no-type'])('streamText gets both tool calls from %s', async (modelId) => {
    const errors: unknown[] = [];
    const result = streamText({ model: model(modelId), prompt: 'Weather and time?', tools, stopWhen: stepCountIs(1), maxRetries: 0, onError: ({ error }) => errors.push(error) });
    const calls = await result.toolCalls;
    expect(errors).toEqual([]);
    expect(calls.map(({ toolCallId, toolName, input }) => ({ toolCallId, toolName, input }))).toEqual(expectedCalls);
    expect(await result.finishReason).toBe('tool-calls');
    expectUsage(await result.usage, toolCallUsage);
  });

  it('generateText gets both tool calls', async () => {
    const result = await generateText({ model: model('tools'), prompt: 'Weather and time?', tools, stopWhen: stepCountIs(1), maxRetries: 0 });
    expect(result.toolCalls.map(({ toolCallId, toolName, input }) => ({ toolCallId, toolName, input }))).toEqual(expectedCalls);
    expect(result.finishReason).toBe('tool-calls');
    expectUsage(result.usage, toolCallUsage);
  });

  it.each(reasoningUpstreams)('streamText gets reasoning, text and usage from $model', async (upstream) => {
    const errors: unknown[] = [];
    const result = streamText({ model: model(upstream.model), prompt: 'Say hello.', maxRetries: 0, onError: ({ error }) => errors.push(error) });
    expect(await result.text).toBe(upstream.text);
    expect(errors).toEqual([]);
    expect((await result.finalStep).reasoningText).toBe(upstream.reasoning);
    expect(await result.finishReason).toBe('stop');
    expectUsage(await result.usage, upstream.usage);
  });

  it.each(reasoningUpstreams)('generateText gets reasoning, text and usage from $model', async (upstream) => {
    const result = await generateText({ model: model(upstream.model), prompt: 'Say hello.', maxRetries: 0 });
    expect(result.text).toBe(upstream.text);
    expect(result.finalStep.reasoningText).toBe(upstream.reasoning);
    expect(result.finishReason).toBe('stop');
    expectUsage(result.usage, upstream.usage);
  });
});
