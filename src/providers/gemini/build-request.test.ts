import { describe, expect, it } from 'vitest';
import type { Channel } from '../../core/channel.ts';
import type { ChatRequest } from '../../core/chat.ts';
import type { UpstreamTarget } from '../types.ts';
import { buildChatRequest, buildChatUrl, convertToolChoice } from './build-request.ts';

const channel = { name: 'gem', type: 'gemini', baseUrl: undefined, headers: {} } as unknown as Channel;
const target: UpstreamTarget = { channel, upstreamModel: 'gemini-2.5-flash', apiKey: 'AIza-key', stream: true, streamOptions: true };
const weather = { type: 'function', function: { name: 'weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false } } };

function build(request: Partial<ChatRequest>, overrides: Partial<UpstreamTarget> = {}) {
  return buildChatRequest({ model: 'gemini', messages: [{ role: 'user', content: 'hi' }], ...request }, { ...target, ...overrides }, 'https://generativelanguage.googleapis.com');
}

describe('gemini buildChatRequest', () => {
  it('picks the method by upstream mode and sends the key as x-goog-api-key', () => {
    expect(build({}).url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(build({}, { stream: false }).url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(build({}).headers['x-goog-api-key']).toBe('AIza-key');
    expect(buildChatUrl('http://127.0.0.1:9/v1/', 'tunedModels/mine', false)).toBe('http://127.0.0.1:9/v1/tunedModels/mine:generateContent');
  });

  it('maps system messages, sampling settings and response_format, and sends no OpenAI-only field', () => {
    const { body } = build({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 256,
      stop: ['END'],
      n: 2,
      seed: 3,
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      reasoning_effort: 'low',
      user: 'u-1',
    });
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      generationConfig: {
        temperature: 0.2,
        topP: 0.9,
        maxOutputTokens: 256,
        stopSequences: ['END'],
        candidateCount: 2,
        seed: 3,
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      },
    });
  });

  it('sends inline images as inlineData and URLs as fileData', () => {
    const { body } = build({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } }, { type: 'image_url', image_url: { url: 'https://example.com/a.webp' } }] }],
    });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBOR' } }, { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/a.webp' } }] }]);
  });

  it('maps a tool round trip: functionCall with its thought signature back, functionResponse named by the call id', () => {
    const { body } = build({
      tools: [weather],
      tool_choice: 'required',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'EqUCCqIC' } } }],
        },
        { role: 'tool', tool_call_id: 'call_0', content: '{"temperature":18}' },
        { role: 'user', content: 'And in °F?' },
      ],
    });
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: 'weather', description: 'Weather for a city', parametersJsonSchema: weather.function.parameters }] }]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'EqUCCqIC' }] },
      { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { temperature: 18 } } }, { text: 'And in °F?' }] },
    ]);
  });

  it('wraps a plain-text tool result and refuses a result for a call nobody made', () => {
    const call = { role: 'assistant', content: '', tool_calls: [{ id: 'c', type: 'function', function: { name: 'now', arguments: '' } }] };
    expect(build({ messages: [call, { role: 'tool', tool_call_id: 'c', content: '12:00' }] }).body.contents).toEqual([
      { role: 'model', parts: [{ functionCall: { name: 'now', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'now', response: { result: '12:00' } } }] },
    ]);
    expect(() => build({ messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] })).toThrow(/tool call nope/);
  });

  it('maps tool_choice to functionCallingConfig', () => {
    expect(convertToolChoice('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(convertToolChoice('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(convertToolChoice({ type: 'function', function: { name: 'weather' } })).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] } });
  });
});
