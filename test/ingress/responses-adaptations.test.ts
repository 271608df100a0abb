// The Responses API through Sluice's adaptations: reasoning from a DeepSeek-style
// `reasoning_content` upstream that only streams (QwQ), a stream-refusing upstream (o3-mini), tool
// round trips on the translated dialects, retries and failover before the commit point, and an
// upstream failing mid-stream (docs/ingress-protocols.md §D2: `error`, then `response.failed`).
import { APIError } from 'openai';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicEmulator, toolAnswer, weatherToolUseId } from '../emulators/anthropic-messages.ts';
import { azureModel, azureText, startAzureEmulator } from '../emulators/azure-refuses-stream.ts';
import { dashscopeModel, dashscopeReasoning, dashscopeReasoningTokens, dashscopeText, startDashscopeEmulator } from '../emulators/dashscope-stream-only.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { answerFor, startFaultyUpstream, type Fault } from '../emulators/faulty-upstream.ts';
import { geminiToolAnswer, startGeminiEmulator } from '../emulators/gemini-generate-content.ts';
import { ollamaToolAnswer, startOllamaEmulator } from '../emulators/ollama-chat.ts';
import { emulatorRoot, startDialectGateway } from '../support/dialect-gateway.ts';
import { postRaw } from '../support/post-raw.ts';
import { checkResponsesStream, readResponsesEvents } from '../support/responses-sse.ts';
import { startGateway } from '../support/start-gateway.ts';
import { startYamlGateway } from '../support/start-yaml-gateway.ts';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function started<Thing extends { close(): Promise<void> }>(thing: Promise<Thing>): Promise<Thing> {
  const value = await thing;
  closers.push(() => value.close());
  return value;
}

describe('reasoning from a DeepSeek-style upstream that only streams', () => {
  let client: OpenAI;
  let url: string;
  beforeAll(async () => {
    const emulator = await started(startDashscopeEmulator());
    const gateway = await started(startGateway([{ name: 'dashscope', baseUrl: emulator.url, models: ['qwq-*'], capabilities: { 'qwq-*': { stream: 'required' } } }]));
    ({ client, url } = gateway);
  });

  it('answers a non-stream client with the reasoning as a summary before the message', async () => {
    const response = await client.responses.create({ model: dashscopeModel, input: 'Hi', reasoning: { effort: 'high', summary: 'auto' } });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(response.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: dashscopeReasoning }] });
    expect(response.output_text).toBe(dashscopeText);
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(dashscopeReasoningTokens);
    expect(response.reasoning).toEqual({ effort: 'high', summary: 'auto' });
  });

  it('streams the reasoning summary, then the text', async () => {
    const stream = client.responses.stream({ model: dashscopeModel, input: 'Hi', reasoning: { summary: 'auto' } });
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'response.reasoning_summary_text.delta') deltas.push(event.delta);
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe(dashscopeReasoning);
    expect(final.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: dashscopeReasoning }] });
    expect(final.output_text).toBe(dashscopeText);
  });

  it('leaves the reasoning out when no summary was asked for', async () => {
    const raw = await postRaw(`${url}/v1/responses`, { model: dashscopeModel, input: 'Hi', stream: true });
    const response = checkResponsesStream(readResponsesEvents(raw.text));
    expect(response.output.map((item) => item.type)).toEqual(['message']);
  });
});

describe('a stream-refusing upstream', () => {
  it('replays its answer as Responses events', async () => {
    const emulator = await started(startAzureEmulator());
    const gateway = await started(startGateway([{ name: 'azure', baseUrl: emulator.url, models: [azureModel], capabilities: { [azureModel]: { stream: 'unsupported' } } }]));
    const raw = await postRaw(`${gateway.url}/v1/responses`, { model: azureModel, input: 'Hi', stream: true });
    expect(raw.headers.get('x-sluice-upstream-stream')).toBe('false');
    const response = checkResponsesStream(readResponsesEvents(raw.text));
    expect(response.output[0]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: azureText }] });
    expect(emulator.received.at(-1)?.body?.['stream']).not.toBe(true);
  });
});

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

const toolCases = [
  { type: 'anthropic', model: 'claude-tools', start: startAnthropicEmulator, answer: toolAnswer, extra: { default_max_tokens: 1024 } },
  { type: 'gemini', model: 'gemini-tools', start: startGeminiEmulator, answer: geminiToolAnswer, extra: {} },
  { type: 'ollama', model: 'qwen-tools', start: startOllamaEmulator, answer: ollamaToolAnswer, extra: {} },
];

describe.each(toolCases)('a tool round trip on a $type channel', ({ type, model, start, answer, extra }) => {
  it.each([false, true])('calls the tool and answers from its output (stream: %s)', async (stream) => {
    const emulator = await started(start());
    const gateway = await started(startDialectGateway({ name: type, type, base_url: emulatorRoot(emulator), models: [model], ...extra }));
    const ask = async (input: OpenAI.Responses.ResponseInput): Promise<OpenAI.Responses.Response> =>
      stream ? gateway.client.responses.stream({ model, input, tools: [weatherTool] }).finalResponse() : gateway.client.responses.create({ model, input, tools: [weatherTool] });
    const question: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'What is the weather?' }];
    const first = await ask(question);
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error(`no function call in ${JSON.stringify(first.output)}`);
    expect(call.id).toMatch(/^fc_/);
    expect(call.call_id).not.toBe('');
    expect(JSON.parse(call.arguments)).toEqual(expect.any(Object));
    if (type === 'anthropic') {
      expect(call).toMatchObject({ call_id: weatherToolUseId, name: 'weather', status: 'completed' });
      expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    }
    const second = await ask([...question, ...first.output.filter((item) => item.type === 'function_call'), { type: 'function_call_output', call_id: call.call_id, output: '18°C and sunny' }]);
    expect(second.output_text).toBe(answer);
  });
});

describe('retries and failover before the first byte', () => {
  it('retries a 503 and fails over past a dead channel, for both kinds of client', async () => {
    const flaky = await started(startFaultyUpstream((index): Fault => (index % 2 === 0 ? { status: 503, retryAfter: '0' } : 'ok')));
    const healthy = await started(startFaultyUpstream(() => 'ok'));
    const gateway = await started(
      // The faulty upstream answers Chat Completions on every path: the translated path, declared (no pass-through).
      startYamlGateway(`retry: { attempts: 2, base_ms: 1, max_ms: 5 }
channels:
  - { name: flaky, type: openai, base_url: ${flaky.url}, api_key: k, models: [m], capabilities: { "*": { responses_api: unsupported } } }
  - { name: dead, type: openai, base_url: "http://127.0.0.1:9/v1", api_key: k, models: [d], priority: 0, retry: { attempts: 1 }, capabilities: { "*": { responses_api: unsupported } } }
  - { name: backup, type: openai, base_url: ${healthy.url}, api_key: k, models: [d], priority: 1, capabilities: { "*": { responses_api: unsupported } } }
`),
    );
    const retried = await gateway.client.responses.create({ model: 'm', input: 'one' }).withResponse();
    expect(retried.data.output_text).toBe(answerFor('one'));
    expect(retried.response.headers.get('x-sluice-attempts')).toBe('2');
    const streamed = await gateway.client.responses.stream({ model: 'm', input: 'two' }).finalResponse();
    expect(streamed.output_text).toBe(answerFor('two'));
    const failedOver = await gateway.client.responses.create({ model: 'd', input: 'three' }).withResponse();
    expect(failedOver.data.output_text).toBe(answerFor('three'));
    expect(failedOver.response.headers.get('x-sluice-channel')).toBe('backup');
  });
});

describe('an upstream that fails mid-stream', () => {
  let emulator: Emulator;
  let url: string;
  let client: OpenAI;
  beforeAll(async () => {
    emulator = await started(startFaultyUpstream(() => 'drop-mid-stream'));
    const gateway = await started(startYamlGateway(`retry: { attempts: 1 }\nchannels:\n  - { name: dropping, type: openai, base_url: ${emulator.url}, api_key: k, models: [m] }\n`));
    ({ url, client } = gateway);
  });

  it('ends the stream with an error event and one response.failed carrying the output so far', async () => {
    const raw = await postRaw(`${url}/v1/responses`, { model: 'm', input: 'cut', stream: true });
    expect(raw.status).toBe(200);
    const events = readResponsesEvents(raw.text);
    const response = checkResponsesStream(events);
    expect(events.at(-2)).toMatchObject({ type: 'error', code: 'upstream_reset' });
    expect(response).toMatchObject({ status: 'failed', error: { code: 'upstream_reset' } });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'in_progress' });
    expect(raw.text).not.toContain('[DONE]');
  });

  it('surfaces as an error to the SDK stream after the text so far', async () => {
    const stream = client.responses.stream({ model: 'm', input: 'cut again' });
    const types: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('dropping broke the connection');
    expect(types.slice(0, 3)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
    expect(types).toContain('response.output_text.delta');
  });
});
