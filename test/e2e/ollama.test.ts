// The official OpenAI SDK → Sluice → an Ollama `/api/chat` emulator (test/emulators/ollama-chat.ts),
// in both modes: text, a tool round trip (object arguments ↔ JSON strings, tool_name on the
// result), thinking, usage from the counts, and errors before and after the first chunk.
import { APIError } from 'openai';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { ollamaText, ollamaThinking, ollamaToolAnswer, startOllamaEmulator } from '../emulators/ollama-chat.ts';
import { emulatorRoot, startDialectGateway, type DialectGateway } from '../support/dialect-gateway.ts';
import { gatherStream, sseData } from '../support/gather-stream.ts';

let emulator: Emulator;
let gateway: DialectGateway;

beforeAll(async () => {
  emulator = await startOllamaEmulator();
  gateway = await startDialectGateway({ name: 'local', type: 'ollama', base_url: emulatorRoot(emulator), models: ['llama-*', 'qwen-*', 'ollama-*'] });
});

afterAll(async () => {
  await gateway.close();
  await emulator.close();
});

const question: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Why is the sky blue?' }];
const temperatureTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_temperature', description: 'Get the current temperature for a city', parameters: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } } },
};

function lastReceived(model: string) {
  const request = emulator.received.filter((received) => received.body?.model === model).at(-1);
  if (request === undefined) throw new Error(`the emulator received nothing for ${model}`);
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

describe('ollama: text', () => {
  it('answers without streaming, asking Ollama explicitly not to stream', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'llama-text', messages: question, max_completion_tokens: 100 });
    expect(completion.choices[0]).toMatchObject({ message: { role: 'assistant', content: ollamaText }, finish_reason: 'stop' });
    expect(completion.usage).toMatchObject({ prompt_tokens: 26, completion_tokens: 282, total_tokens: 308 });
    expect(completion.created).toBe(Math.floor(Date.parse('2023-12-12T14:13:43.416799Z') / 1000));
    expect(lastReceived('llama-text').body).toEqual({ model: 'llama-text', messages: [{ role: 'user', content: 'Why is the sky blue?' }], options: { num_predict: 100 }, stream: false });
  });

  it('streams NDJSON as SSE, with usage from the counts when asked', async () => {
    const gathered = await gatherStream(await gateway.client.chat.completions.create({ model: 'llama-text', messages: question, stream: true, stream_options: { include_usage: true } }));
    expect(gathered).toMatchObject({ content: ollamaText, finishReason: 'stop', usage: { prompt_tokens: 26, completion_tokens: 282, total_tokens: 308 } });
    expect(lastReceived('llama-text').path).toBe('/api/chat');
  });
});

describe.each([false, true])('ollama: a tool round trip (stream: %s)', (stream) => {
  it('turns object arguments into a JSON string, then sends them back as an object with tool_name on the result', async () => {
    const ask: OpenAI.Chat.ChatCompletionMessageParam = { role: 'user', content: 'What is the temperature in New York?' };
    const first = stream
      ? await gatherStream(await gateway.client.chat.completions.create({ model: 'qwen-tools', messages: [ask], tools: [temperatureTool], stream: true }))
      : await gateway.client.chat.completions.create({ model: 'qwen-tools', messages: [ask], tools: [temperatureTool] }).then((completion) => ({
          finishReason: completion.choices[0]?.finish_reason,
          toolCalls: (completion.choices[0]?.message.tool_calls ?? []).map((call) => (call.type === 'function' ? { id: call.id, name: call.function.name, arguments: call.function.arguments } : undefined)),
        }));
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toMatchObject([{ id: 'call_0', name: 'get_temperature', arguments: '{"city":"New York"}' }]);

    const followUp: OpenAI.Chat.ChatCompletionMessageParam[] = [
      ask,
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_temperature', arguments: '{"city":"New York"}' } }] },
      { role: 'tool', tool_call_id: 'call_0', content: '22°C' },
    ];
    const answer = stream
      ? (await gatherStream(await gateway.client.chat.completions.create({ model: 'qwen-tools', messages: followUp, tools: [temperatureTool], stream: true }))).content
      : (await gateway.client.chat.completions.create({ model: 'qwen-tools', messages: followUp, tools: [temperatureTool] })).choices[0]?.message.content;
    expect(answer).toBe(ollamaToolAnswer);

    const received = lastReceived('qwen-tools').body;
    expect(received?.tools).toEqual([temperatureTool]);
    expect(received?.messages).toEqual([
      { role: 'user', content: 'What is the temperature in New York?' },
      { role: 'assistant', content: '', tool_calls: [{ type: 'function', function: { index: 0, name: 'get_temperature', arguments: { city: 'New York' } } }] },
      { role: 'tool', content: '22°C', tool_name: 'get_temperature' },
    ]);
  });
});

describe('ollama: thinking', () => {
  it('streams message.thinking as reasoning_content', async () => {
    const gathered = await gatherStream(await gateway.client.chat.completions.create({ model: 'qwen-thinking', messages: question, reasoning_effort: 'high', stream: true }));
    expect(gathered).toMatchObject({ reasoning: ollamaThinking, content: 'Three.', finishReason: 'stop' });
    expect(lastReceived('qwen-thinking').body?.think).toBe('high');
  });

  it('returns thinking as reasoning_content without streaming', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'qwen-thinking', messages: question });
    expect(completion.choices[0]?.message).toMatchObject({ content: 'Three.', reasoning_content: ollamaThinking });
  });
});

describe('ollama: errors', () => {
  it.each([false, true])("answers a model that is not pulled with 404 and Ollama's words (stream: %s)", async (stream) => {
    const error = await failure(gateway.client.chat.completions.create({ model: 'ollama-missing', messages: question, stream }));
    expect(error.status).toBe(404);
    expect(error.message).toContain('local answered HTTP 404: model "ollama-missing" not found, try pulling it first');
  });

  it('ends the stream with an in-band error event and [DONE] after an error line', async () => {
    const answer = await gateway.postChat({ model: 'ollama-error-mid', messages: question, stream: true });
    expect(answer.status).toBe(200);
    const events = sseData(answer.text);
    expect(events.at(-1)).toBe('[DONE]');
    expect(JSON.parse(events[0] ?? '')).toMatchObject({ choices: [{ delta: { content: ' Yes' } }] });
    expect(JSON.parse(events.at(-2) ?? '')).toMatchObject({ error: { code: 'upstream_stream_error', message: 'local reported an error in its stream: an error was encountered while running the model' } });
  });
});
