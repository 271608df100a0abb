// The official OpenAI SDK → Sluice → a Gemini emulator replaying recorded wire bytes
// (test/emulators/gemini-generate-content.ts), in both modes: text, a tool round trip with the
// thought signature carried back, thoughts, usage, and errors before and after the first chunk.
import { APIError } from 'openai';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { geminiNonStreamText, geminiText, geminiThought, geminiToolAnswer, startGeminiEmulator, weatherSignature } from '../emulators/gemini-generate-content.ts';
import { emulatorRoot, startDialectGateway, type DialectGateway } from '../support/dialect-gateway.ts';
import { gatherStream, sseData } from '../support/gather-stream.ts';

let emulator: Emulator;
let gateway: DialectGateway;

beforeAll(async () => {
  emulator = await startGeminiEmulator();
  gateway = await startDialectGateway({ name: 'gem', type: 'gemini', base_url: emulatorRoot(emulator), models: ['gemini-*'] });
});

afterAll(async () => {
  await gateway.close();
  await emulator.close();
});

const question: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: 'How many r are in strawberry?' },
];
const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'weather', description: 'Current weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false } },
};

function lastReceived(model: string) {
  const request = emulator.received.filter((received) => received.path.includes(`/models/${model}:`)).at(-1);
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

describe('gemini: text', () => {
  it('answers without streaming, with thoughts counted as reasoning tokens', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'gemini-text', messages: question });
    expect(completion.choices[0]).toMatchObject({ message: { role: 'assistant', content: geminiNonStreamText }, finish_reason: 'stop' });
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 272, total_tokens: 281, completion_tokens_details: { reasoning_tokens: 244 } });
    const received = lastReceived('gemini-text');
    expect(received.path).toBe('/v1beta/models/gemini-text:generateContent');
    expect(received.headers['x-goog-api-key']).toBe('test-key');
  });

  it('streams over alt=sse with CRLF frames, with one usage chunk from the last cumulative usageMetadata', async () => {
    const gathered = await gatherStream(await gateway.client.chat.completions.create({ model: 'gemini-text', messages: question, stream: true, stream_options: { include_usage: true } }));
    expect(gathered).toMatchObject({ content: geminiText, finishReason: 'stop', usage: { prompt_tokens: 9, completion_tokens: 208, total_tokens: 217 } });
    const received = lastReceived('gemini-text');
    expect(received.path).toBe('/v1beta/models/gemini-text:streamGenerateContent?alt=sse');
    expect(received.body).toEqual({
      systemInstruction: { parts: [{ text: 'Answer briefly.' }] },
      contents: [{ role: 'user', parts: [{ text: 'How many r are in strawberry?' }] }],
    });
  });
});

describe.each([false, true])('gemini: a tool round trip (stream: %s)', (stream) => {
  it('returns a call with a stable id, then sends functionResponse by name with the thought signature back', async () => {
    const ask: OpenAI.Chat.ChatCompletionMessageParam = { role: 'user', content: 'Weather in San Francisco?' };
    let toolCall: { id: string; name: string; arguments: string; extra: Record<string, unknown> };
    if (stream) {
      const gathered = await gatherStream(await gateway.client.chat.completions.create({ model: 'gemini-tools', messages: [ask], tools: [weatherTool], stream: true }));
      expect(gathered.finishReason).toBe('tool_calls');
      toolCall = gathered.toolCalls[0]!;
    } else {
      const completion = await gateway.client.chat.completions.create({ model: 'gemini-tools', messages: [ask], tools: [weatherTool] });
      expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
      const call = completion.choices[0]?.message.tool_calls?.[0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall & { extra_content?: unknown };
      toolCall = { id: call.id, name: call.function.name, arguments: call.function.arguments, extra: { extra_content: call.extra_content } };
    }
    expect(toolCall).toEqual({ id: 'call_0', name: 'weather', arguments: '{"location":"San Francisco"}', extra: { extra_content: { google: { thought_signature: weatherSignature } } } });

    const assistant = { role: 'assistant', content: null, tool_calls: [{ id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: toolCall.arguments }, ...toolCall.extra }] };
    const followUp = [ask, assistant as OpenAI.Chat.ChatCompletionAssistantMessageParam, { role: 'tool' as const, tool_call_id: 'call_0', content: '{"temperature_c":18,"sky":"sunny"}' }];
    const answer = stream
      ? (await gatherStream(await gateway.client.chat.completions.create({ model: 'gemini-tools', messages: followUp, tools: [weatherTool], stream: true }))).content
      : (await gateway.client.chat.completions.create({ model: 'gemini-tools', messages: followUp, tools: [weatherTool] })).choices[0]?.message.content;
    expect(answer).toBe(geminiToolAnswer);

    const received = lastReceived('gemini-tools').body;
    expect(received?.tools).toEqual([{ functionDeclarations: [{ name: 'weather', description: 'Current weather', parametersJsonSchema: weatherTool.function.parameters }] }]);
    expect(received?.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in San Francisco?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: weatherSignature }] },
      { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { temperature_c: 18, sky: 'sunny' } } }] },
    ]);
  });
});

describe('gemini: thoughts', () => {
  it('asks for thoughts on reasoning_effort and streams them as reasoning_content', async () => {
    const gathered = await gatherStream(await gateway.client.chat.completions.create({ model: 'gemini-thinking', messages: question, reasoning_effort: 'low', stream: true }));
    expect(gathered).toMatchObject({ reasoning: geminiThought, content: 'There are 3.', finishReason: 'stop' });
    expect(lastReceived('gemini-thinking').body?.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
  });

  it('returns thoughts as reasoning_content without streaming', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'gemini-thinking', messages: question, reasoning_effort: 'low' });
    expect(completion.choices[0]?.message).toMatchObject({ content: 'There are 3.', reasoning_content: geminiThought });
  });
});

describe('gemini: errors', () => {
  it.each([false, true])('answers a 429 with the retry delay from its RetryInfo as Retry-After (stream: %s)', async (stream) => {
    const error = await failure(gateway.client.chat.completions.create({ model: 'gemini-quota', messages: question, stream }));
    expect(error.status).toBe(429);
    expect(error.message).toContain('gem answered HTTP 429: You exceeded your current quota, please check your plan. (RESOURCE_EXHAUSTED)');
    expect(error.headers?.get('retry-after')).toBe('35');
  });

  it('waits the RetryInfo delay from the 429 body before retrying, then answers', async () => {
    const retrying = await startDialectGateway({ name: 'gem', type: 'gemini', base_url: emulatorRoot(emulator), models: ['gemini-*'], retry: { attempts: 2, base_ms: 1, max_ms: 5 } });
    try {
      const started = performance.now();
      const completion = await retrying.client.chat.completions.create({ model: 'gemini-quota-once', messages: question });
      expect(completion.choices[0]?.message.content).toBe(geminiNonStreamText);
      expect(performance.now() - started).toBeGreaterThanOrEqual(240);
      expect(emulator.received.filter((received) => received.path.includes('/models/gemini-quota-once:'))).toHaveLength(2);
    } finally {
      await retrying.close();
    }
  });

  it.each([false, true])('refuses a prompt Gemini blocked with 400 and the block reason (stream: %s)', async (stream) => {
    const error = await failure(gateway.client.chat.completions.create({ model: 'gemini-blocked', messages: question, stream }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('upstream_rejected');
    expect(error.message).toContain('gem blocked the prompt (PROHIBITED_CONTENT)');
  });

  it('ends the stream with an in-band error event and [DONE] when the error comes after output', async () => {
    const answer = await gateway.postChat({ model: 'gemini-error-mid', messages: question, stream: true });
    expect(answer.status).toBe(200);
    const events = sseData(answer.text);
    expect(events.at(-1)).toBe('[DONE]');
    expect(JSON.parse(events[0] ?? '')).toMatchObject({ choices: [{ delta: { content: 'There are **3**' } }] });
    expect(JSON.parse(events.at(-2) ?? '')).toMatchObject({ error: { message: 'gem reported an error in its stream: The model is overloaded. Please try again later. (UNAVAILABLE)' } });
  });
});
