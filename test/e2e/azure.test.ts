// The official OpenAI SDK → Sluice → an Azure OpenAI emulator replaying recorded wire bytes
// (test/emulators/azure-openai.ts): deployment and v1 URLs, the api-key header, the prompt-filter
// preamble and annotation chunks, content-filter refusals, old api-versions without stream_options,
// a tool round trip, and errors before and after the first chunk.
import { APIError } from 'openai';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureText, azureToolAnswer, azureToolCallId, startAzureOpenAiEmulator } from '../emulators/azure-openai.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { emulatorRoot, startDialectGateway, type DialectGateway } from '../support/dialect-gateway.ts';
import { gatherStream, sseData } from '../support/gather-stream.ts';

let emulator: Emulator;
let deployments: DialectGateway;
let v1: DialectGateway;
let oldVersion: DialectGateway;

beforeAll(async () => {
  emulator = await startAzureOpenAiEmulator();
  const channel = (name: string, apiVersion: string | undefined) => ({
    name,
    type: 'azure',
    base_url: emulatorRoot(emulator),
    ...(apiVersion === undefined ? {} : { api_version: apiVersion }),
    models: ['tools-deployment', 'filtered-prompt', 'filtered-mid', 'server-error-mid'],
    model_map: { 'gpt-5-nano': 'nano-deployment' },
  });
  deployments = await startDialectGateway(channel('az', '2024-10-21'));
  v1 = await startDialectGateway(channel('az-v1', undefined));
  oldVersion = await startDialectGateway(channel('az-old', '2024-02-01'));
});

afterAll(async () => {
  await Promise.all([deployments.close(), v1.close(), oldVersion.close()]);
  await emulator.close();
});

const question: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is Copenhagen?' }];
const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

function lastReceived() {
  const request = emulator.received.at(-1);
  if (request === undefined) throw new Error('the emulator received nothing');
  return request;
}

async function failure(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('azure: text', () => {
  it('calls the deployment named by model_map with the api-version and the api-key header', async () => {
    const completion = await deployments.client.chat.completions.create({ model: 'gpt-5-nano', messages: question });
    expect(completion.choices[0]).toMatchObject({ message: { content: azureText }, finish_reason: 'stop' });
    expect(completion).toMatchObject({ model: 'gpt-5-nano', usage: { prompt_tokens: 15, completion_tokens: 78, total_tokens: 93 } });
    const received = lastReceived();
    expect(received.path).toBe('/openai/deployments/nano-deployment/chat/completions?api-version=2024-10-21');
    expect(received.headers['api-key']).toBe('test-key');
    expect(received.headers.authorization).toBeUndefined();
  });

  it('streams past the prompt-filter preamble and the annotation chunk, with usage when asked', async () => {
    const stream = await deployments.client.chat.completions.create({ model: 'gpt-5-nano', messages: question, stream: true, stream_options: { include_usage: true } });
    const ids = new Set<string>();
    const gathered = await gatherStream(
      (async function* track() {
        for await (const chunk of stream) {
          ids.add(chunk.id);
          yield chunk;
        }
      })(),
    );
    expect(gathered).toMatchObject({ content: azureText, finishReason: 'stop', usage: { prompt_tokens: 15, completion_tokens: 78, total_tokens: 93 } });
    expect([...ids]).toEqual(['chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt']);
    expect([...gathered.models]).toEqual(['gpt-5-nano']);
    expect(lastReceived().body?.stream_options).toEqual({ include_usage: true });
  });

  it('calls the v1 URL with the deployment as the model when the channel has no api_version', async () => {
    const completion = await v1.client.chat.completions.create({ model: 'gpt-5-nano', messages: question });
    expect(completion.choices[0]?.message.content).toBe(azureText);
    expect(lastReceived()).toMatchObject({ path: '/openai/v1/chat/completions', body: { model: 'nano-deployment' } });
  });

  it('sends no stream_options to an api-version older than 2024-09-01-preview, and still gives the client usage', async () => {
    const gathered = await gatherStream(await oldVersion.client.chat.completions.create({ model: 'gpt-5-nano', messages: question, stream: true, stream_options: { include_usage: true } }));
    expect(gathered.content).toBe(azureText);
    expect(gathered.usage?.total_tokens).toBeGreaterThan(0);
    const received = lastReceived();
    expect(received.path).toBe('/openai/deployments/nano-deployment/chat/completions?api-version=2024-02-01');
    expect(received.body).not.toHaveProperty('stream_options');
  });
});

describe.each([false, true])('azure: a tool round trip (stream: %s)', (stream) => {
  it('returns the call, then sends the tool result with its tool_call_id', async () => {
    const ask: OpenAI.Chat.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Oslo?' };
    const first = stream
      ? await gatherStream(await deployments.client.chat.completions.create({ model: 'tools-deployment', messages: [ask], tools: [weatherTool], stream: true }))
      : await deployments.client.chat.completions.create({ model: 'tools-deployment', messages: [ask], tools: [weatherTool] }).then((completion) => ({
          finishReason: completion.choices[0]?.finish_reason,
          toolCalls: (completion.choices[0]?.message.tool_calls ?? []).map((call) => (call.type === 'function' ? { id: call.id, name: call.function.name, arguments: call.function.arguments } : undefined)),
        }));
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toMatchObject([{ id: azureToolCallId, name: 'weather', arguments: '{"city":"Oslo"}' }]);
    const followUp: OpenAI.Chat.ChatCompletionMessageParam[] = [
      ask,
      { role: 'assistant', content: null, tool_calls: [{ id: azureToolCallId, type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: azureToolCallId, content: '4°C' },
    ];
    const answer = stream
      ? (await gatherStream(await deployments.client.chat.completions.create({ model: 'tools-deployment', messages: followUp, tools: [weatherTool], stream: true }))).content
      : (await deployments.client.chat.completions.create({ model: 'tools-deployment', messages: followUp, tools: [weatherTool] })).choices[0]?.message.content;
    expect(answer).toBe(azureToolAnswer);
    expect(lastReceived().body?.messages).toEqual(followUp);
  });
});

describe('azure: content filter and errors', () => {
  it.each([false, true])('answers a prompt the filter blocked with 400 naming the categories (stream: %s)', async (stream) => {
    const error = await failure(deployments.client.chat.completions.create({ model: 'filtered-prompt', messages: question, stream }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('upstream_rejected');
    expect(error.message).toContain("triggering Azure OpenAI's content management policy");
    expect(error.message).toContain('(Azure content filter: violence (medium))');
  });

  it('passes finish_reason content_filter when the filter stops a stream', async () => {
    const gathered = await gatherStream(await deployments.client.chat.completions.create({ model: 'filtered-mid', messages: question, stream: true }));
    expect(gathered).toMatchObject({ content: 'Here are the lyrics', finishReason: 'content_filter' });
  });

  it('ends the stream with an in-band error event and [DONE] when the upstream fails after output', async () => {
    const answer = await deployments.postChat({ model: 'server-error-mid', messages: question, stream: true });
    expect(answer.status).toBe(200);
    const events = sseData(answer.text);
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.map((event) => event.includes('"content":"Capital"'))).toContain(true);
    expect(JSON.parse(events.at(-2) ?? '')).toMatchObject({ error: { code: 'upstream_stream_error', message: expect.stringContaining('The server had an error processing your request.') } });
  });
});
