import { describe, expect, it } from 'vitest';
import type { Channel } from '../../core/channel.ts';
import type { ChatRequest } from '../../core/chat.ts';
import type { UpstreamTarget } from '../types.ts';
import { buildChatRequest, convertToolChoice } from './build-request.ts';

const channel = { name: 'claude', type: 'anthropic', baseUrl: undefined, headers: {} } as unknown as Channel;
const target: UpstreamTarget = { channel, upstreamModel: 'claude-sonnet-4-5', apiKey: 'sk-ant', stream: true, streamOptions: true };
const weatherTool = { type: 'function', function: { name: 'weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

function build(request: Partial<ChatRequest>, overrides: Partial<UpstreamTarget> = {}) {
  return buildChatRequest({ model: 'claude', messages: [{ role: 'user', content: 'hi' }], ...request }, { ...target, ...overrides }, 'https://api.anthropic.com');
}

describe('anthropic buildChatRequest', () => {
  it('posts to /v1/messages under the root with the key and API version headers', () => {
    const built = build({});
    expect(built.url).toBe('https://api.anthropic.com/v1/messages');
    expect(built.headers).toMatchObject({ 'x-api-key': 'sk-ant', 'anthropic-version': '2023-06-01', accept: 'text/event-stream' });
    expect(build({}, { channel: { ...channel, baseUrl: 'http://127.0.0.1:9/v1' } }).url).toBe('http://127.0.0.1:9/v1/messages');
  });

  it('moves system and developer messages to `system` and keeps only fields Anthropic knows', () => {
    const { body } = build({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'hi' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      n: 1,
      seed: 7,
      temperature: 0.3,
      stop: 'END',
      user: 'u-1',
    });
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      system: 'Be brief.\n\nAnswer in French.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      max_tokens: 4096,
      stop_sequences: ['END'],
      temperature: 0.3,
      metadata: { user_id: 'u-1' },
      stream: true,
    });
  });

  it("takes max_tokens from the client, else the channel's default_max_tokens, else 4096", () => {
    expect(build({ max_completion_tokens: 100, max_tokens: 50 }).body.max_tokens).toBe(100);
    expect(build({ max_tokens: 50 }).body.max_tokens).toBe(50);
    expect(build({}, { channel: { ...channel, defaultMaxTokens: 8192 } }).body.max_tokens).toBe(8192);
    expect(build({}, { stream: false }).body).not.toHaveProperty('stream');
  });

  it('sends images by URL and as base64', () => {
    const { body } = build({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
    ]);
  });

  it('turns a tool round trip into tool_use and tool_result blocks, parallel results in one user turn', () => {
    const { body } = build({
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '21°C' }] },
      ],
    });
    expect(body.tools).toEqual([{ name: 'weather', description: 'Weather for a city', input_schema: weatherTool.function.parameters }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '21°C' }] },
        ],
      },
    ]);
  });

  it('rejects tool-call arguments that are not a JSON object, naming the field', () => {
    const messages = [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1' } }] }];
    expect(() => build({ messages })).toThrow(/messages\[0\]\.tool_calls\[0\]\.function\.arguments/);
  });

  it('maps tool_choice and parallel_tool_calls', () => {
    expect(convertToolChoice('auto', undefined)).toEqual({ type: 'auto' });
    expect(convertToolChoice('required', undefined)).toEqual({ type: 'any' });
    expect(convertToolChoice('none', false)).toEqual({ type: 'none' });
    expect(convertToolChoice({ type: 'function', function: { name: 'weather' } }, undefined)).toEqual({ type: 'tool', name: 'weather' });
    expect(convertToolChoice(undefined, false)).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(build({ tool_choice: 'required' }).body).not.toHaveProperty('tool_choice');
  });

  it('sends an assistant turn\'s own reasoning blocks back first, and drops another family\'s', () => {
    const thinking = { type: 'thinking', thinking: 'Weather first.', signature: 'sig/+=' };
    const assistant = (family: string) => ({ role: 'assistant', content: 'Checking.', reasoning_state: { family, blocks: [thinking] } });
    const { body } = build({ messages: [{ role: 'user', content: 'hi' }, assistant('anthropic'), { role: 'user', content: 'and?' }, assistant('openai'), { role: 'user', content: 'so?' }] });
    const turns = body.messages as Array<{ content: unknown }>;
    expect(turns[1]?.content).toEqual([thinking, { type: 'text', text: 'Checking.' }]);
    expect(turns[3]?.content).toEqual([{ type: 'text', text: 'Checking.' }]);
  });

  it('enables thinking from reasoning_effort with a budget below max_tokens, and not beside a temperature', () => {
    expect(build({ reasoning_effort: 'medium', max_tokens: 20_000 }).body.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    expect(build({ reasoning_effort: 'high', max_tokens: 4000 }).body.thinking).toEqual({ type: 'enabled', budget_tokens: 3999 });
    expect(build({ reasoning_effort: 'low', max_tokens: 1000 }).body.thinking).toBeUndefined();
    expect(build({ reasoning_effort: 'low', max_tokens: 4000, temperature: 0.2 }).body.thinking).toBeUndefined();
  });
});
