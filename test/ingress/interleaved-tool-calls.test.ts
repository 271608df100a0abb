// Parallel tool calls whose argument fragments arrive interleaved (call 0, call 1, call 0 again…;
// test/emulators/tool-call-fragments.ts `tools-interleaved`) reach a Messages client and a Responses
// client with every argument: the raw Messages stream keeps one open block at a time with deltas of
// its type, and both SDKs' accumulators end with the whole input of each call.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startToolCallEmulator, toolCalls } from '../emulators/tool-call-fragments.ts';
import { checkMessagesSse } from '../support/check-messages-sse.ts';
import { postRaw } from '../support/post-raw.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const model = 'tools-interleaved';
const expected = toolCalls.map((call) => ({ id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown }));
const weatherTool = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: {} } };
const timeTool = { name: 'get_time', description: 'Time', input_schema: { type: 'object' as const, properties: {} } };
const said = 'Weather in Montréal and the time in LA?';
const question = [{ role: 'user' as const, content: said }];

let upstream: Emulator;
let gateway: YamlGateway;

beforeAll(async () => {
  upstream = await startToolCallEmulator();
  gateway = await startYamlGateway(`channels:\n  - { name: fragments, type: openai, base_url: "${upstream.url}", api_key: k, models: [${model}], retry: { attempts: 1 } }`);
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

describe('interleaved parallel tool-call fragments', () => {
  it('reach a Messages stream whole, one block at a time', async () => {
    const raw = await postRaw(`${gateway.url}/v1/messages`, { model, max_tokens: 100, messages: question, tools: [weatherTool, timeTool], stream: true }, { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
    expect(raw.status).toBe(200);
    const events = checkMessagesSse(raw.text);
    const inputs = new Map<number, string>();
    for (const event of events) {
      const delta = event.delta as { type?: string; partial_json?: string } | undefined;
      if (event.type === 'content_block_delta' && delta?.type === 'input_json_delta') inputs.set(Number(event.index), (inputs.get(Number(event.index)) ?? '') + (delta.partial_json ?? ''));
    }
    expect([...inputs.values()].map((text) => JSON.parse(text) as unknown)).toEqual(expected.map((call) => call.input));
  });

  it('end in the Anthropic SDK\'s finalMessage with every input', async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: 'k', maxRetries: 0 });
    const message = await client.messages.stream({ model, max_tokens: 100, messages: question, tools: [weatherTool, timeTool] }).finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.map((block) => (block.type === 'tool_use' ? { id: block.id, name: block.name, input: block.input } : block))).toEqual(expected);
  });

  it('end in the openai SDK\'s finalResponse with every argument', async () => {
    const tools = [weatherTool, timeTool].map((tool) => ({ type: 'function' as const, name: tool.name, parameters: tool.input_schema, strict: false }));
    const response = await gateway.client.responses.stream({ model, input: said, tools }).finalResponse();
    const calls = response.output.flatMap((item) => (item.type === 'function_call' ? [{ id: item.call_id, name: item.name, input: JSON.parse(item.arguments) as unknown }] : []));
    expect(calls).toEqual(expected);
  });
});
