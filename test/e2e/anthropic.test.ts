// The official OpenAI SDK → Sluice → an Anthropic Messages emulator replaying recorded wire bytes
// (test/emulators/anthropic-messages.ts), in both modes: text, a tool round trip, thinking, usage,
// and errors before and after the first chunk.
import { APIError } from 'openai';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicText, startAnthropicEmulator, thinkingText, toolAnswer, weatherToolUseId } from '../emulators/anthropic-messages.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { emulatorRoot, startDialectGateway, type DialectGateway } from '../support/dialect-gateway.ts';
import { gatherStream, sseData } from '../support/gather-stream.ts';

let emulator: Emulator;
let gateway: DialectGateway;

beforeAll(async () => {
  emulator = await startAnthropicEmulator();
  gateway = await startDialectGateway({ name: 'claude', type: 'anthropic', base_url: emulatorRoot(emulator), models: ['claude-*'], default_max_tokens: 1024 });
});

afterAll(async () => {
  await gateway.close();
  await emulator.close();
});

const hello: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are friendly.' },
  { role: 'user', content: 'Hello, how are you?' },
];
const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'weather', description: 'Current weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

function lastReceived(model: string) {
  const request = emulator.received.filter((received) => received.body?.model === model).at(-1);
  if (request === undefined) throw new Error(`the emulator received nothing for ${model}`);
  return request;
}

async function statusOf(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('anthropic: text', () => {
  it('answers without streaming, with usage, under the client model name', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'claude-text', messages: hello });
    expect(completion.choices[0]).toMatchObject({ message: { role: 'assistant', content: anthropicText }, finish_reason: 'stop' });
    expect(completion.model).toBe('claude-text');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 });
  });

  it('streams, with one usage chunk at the end when asked', async () => {
    const stream = await gateway.client.chat.completions.create({ model: 'claude-text', messages: hello, stream: true, stream_options: { include_usage: true } });
    const gathered = await gatherStream(stream);
    expect(gathered).toMatchObject({ content: anthropicText, finishReason: 'stop', usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 } });
    expect([...gathered.models]).toEqual(['claude-text']);
  });

  it('sends a Messages request: system on top, max_tokens from the channel, Anthropic headers, no stream_options', async () => {
    await gateway.client.chat.completions.create({ model: 'claude-text', messages: hello, stream: true, stream_options: { include_usage: true } }).then(gatherStream);
    const received = lastReceived('claude-text');
    expect(received.path).toBe('/v1/messages');
    expect(received.headers).toMatchObject({ 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' });
    expect(received.body).toEqual({
      model: 'claude-text',
      system: 'You are friendly.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello, how are you?' }] }],
      max_tokens: 1024,
      stream: true,
    });
  });
});

describe.each([false, true])('anthropic: a tool round trip (stream: %s)', (stream) => {
  it('returns the tool call, then answers from the tool_result Sluice sent with the right tool_use_id', async () => {
    const question: OpenAI.Chat.ChatCompletionMessageParam = { role: 'user', content: 'What is the weather in Paris?' };
    const first = stream
      ? await gatherStream(await gateway.client.chat.completions.create({ model: 'claude-tools', messages: [question], tools: [weatherTool], stream: true }))
      : await gateway.client.chat.completions.create({ model: 'claude-tools', messages: [question], tools: [weatherTool] }).then((completion) => ({
          toolCalls: (completion.choices[0]?.message.tool_calls ?? []).map((call) => (call.type === 'function' ? { id: call.id, name: call.function.name, arguments: call.function.arguments } : undefined)),
          finishReason: completion.choices[0]?.finish_reason,
        }));
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toMatchObject([{ id: weatherToolUseId, name: 'weather' }]);
    expect(JSON.parse(first.toolCalls[0]?.arguments ?? '')).toEqual({ city: 'Paris' });

    const followUp: OpenAI.Chat.ChatCompletionMessageParam[] = [
      question,
      { role: 'assistant', content: null, tool_calls: [{ id: weatherToolUseId, type: 'function', function: { name: 'weather', arguments: first.toolCalls[0]?.arguments ?? '' } }] },
      { role: 'tool', tool_call_id: weatherToolUseId, content: '{"temperature_c":18,"sky":"sunny"}' },
    ];
    const answer = stream
      ? (await gatherStream(await gateway.client.chat.completions.create({ model: 'claude-tools', messages: followUp, tools: [weatherTool], stream: true }))).content
      : (await gateway.client.chat.completions.create({ model: 'claude-tools', messages: followUp, tools: [weatherTool] })).choices[0]?.message.content;
    expect(answer).toBe(toolAnswer);

    const received = lastReceived('claude-tools').body;
    expect(received?.tools).toEqual([{ name: 'weather', description: 'Current weather in a city', input_schema: weatherTool.function.parameters }]);
    expect(received?.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: weatherToolUseId, name: 'weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: weatherToolUseId, content: '{"temperature_c":18,"sky":"sunny"}' }] },
    ]);
  });
});

describe('anthropic: thinking', () => {
  it('streams thinking as reasoning_content before the answer', async () => {
    const gathered = await gatherStream(await gateway.client.chat.completions.create({ model: 'claude-thinking', messages: hello, stream: true }));
    expect(gathered).toMatchObject({ reasoning: thinkingText, content: '925 ÷ 5 = 185', finishReason: 'stop' });
  });

  it('returns thinking as reasoning_content without streaming', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'claude-thinking', messages: hello });
    expect(completion.choices[0]?.message).toMatchObject({ content: '925 ÷ 5 = 185', reasoning_content: thinkingText });
    expect(completion.usage?.completion_tokens).toBe(53);
  });
});

describe('anthropic: errors', () => {
  it.each([false, true])("answers HTTP 529 overloaded with a 502 carrying Anthropic's words (stream: %s)", async (stream) => {
    const error = await statusOf(gateway.client.chat.completions.create({ model: 'claude-overloaded', messages: hello, stream }));
    expect(error.status).toBe(502);
    expect(error.message).toContain('claude answered HTTP 529: Overloaded (overloaded_error)');
    expect(error.code).toBe('upstream_error');
  });

  it('answers an error event that comes before any output with an error status, not a stream', async () => {
    const error = await statusOf(gateway.client.chat.completions.create({ model: 'claude-error-first', messages: hello, stream: true }));
    expect(error.status).toBe(502);
    expect(error.message).toContain('Overloaded (overloaded_error)');
  });

  it('retries an overloaded error event that came before any output, invisibly to the client', async () => {
    const retrying = await startDialectGateway({ name: 'claude', type: 'anthropic', base_url: emulatorRoot(emulator), models: ['claude-*'], retry: { attempts: 2, base_ms: 1, max_ms: 5 } });
    try {
      const gathered = await gatherStream(await retrying.client.chat.completions.create({ model: 'claude-overloaded-once', messages: hello, stream: true }));
      expect(gathered.content).toBe(anthropicText);
      expect(emulator.received.filter((received) => received.body?.model === 'claude-overloaded-once')).toHaveLength(2);
    } finally {
      await retrying.close();
    }
  });

  it('ends the stream with an in-band error event and [DONE] when the error comes after output', async () => {
    const answer = await gateway.postChat({ model: 'claude-error-mid', messages: hello, stream: true });
    expect(answer.status).toBe(200);
    const events = sseData(answer.text);
    expect(events.at(-1)).toBe('[DONE]');
    expect(JSON.parse(events[0] ?? '')).toMatchObject({ choices: [{ delta: { content: 'Hello' } }] });
    const error = JSON.parse(events.at(-2) ?? '') as { error: { message: string } };
    expect(error.error.message).toContain('claude reported an error in its stream: Overloaded (overloaded_error)');
  });
});
