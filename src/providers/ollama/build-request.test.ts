import { describe, expect, it } from 'vitest';
import type { Channel } from '../../core/channel.ts';
import type { ChatRequest } from '../../core/chat.ts';
import type { UpstreamTarget } from '../types.ts';
import { buildChatRequest } from './build-request.ts';

const channel = { name: 'local', type: 'ollama', baseUrl: undefined, headers: {} } as unknown as Channel;
const target: UpstreamTarget = { channel, upstreamModel: 'qwen3:8b', apiKey: undefined, stream: false, streamOptions: true };
const tool = { type: 'function', function: { name: 'get_temperature', description: 'Temperature of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

function build(request: Partial<ChatRequest>, overrides: Partial<UpstreamTarget> = {}) {
  return buildChatRequest({ model: 'qwen', messages: [{ role: 'user', content: 'hi' }], ...request }, { ...target, ...overrides }, 'http://localhost:11434');
}

describe('ollama buildChatRequest', () => {
  it('posts to /api/chat and always says whether to stream (Ollama streams by default)', () => {
    const built = build({});
    expect(built.url).toBe('http://localhost:11434/api/chat');
    expect(built.body.stream).toBe(false);
    expect(built.headers).not.toHaveProperty('authorization');
    expect(build({}, { stream: true, apiKey: 'k' }).headers).toMatchObject({ authorization: 'Bearer k', accept: 'application/x-ndjson' });
  });

  it('puts sampling settings in options and maps response_format and reasoning_effort', () => {
    const { body } = build({ temperature: 0, max_completion_tokens: 64, stop: 'END', seed: 101, response_format: { type: 'json_object' }, reasoning_effort: 'high', stream_options: { include_usage: true } });
    expect(body).toEqual({
      model: 'qwen3:8b',
      messages: [{ role: 'user', content: 'hi' }],
      format: 'json',
      options: { temperature: 0, num_predict: 64, stop: ['END'], seed: 101 },
      think: 'high',
      stream: false,
    });
    expect(build({ think: true, reasoning_effort: 'none' }).body.think).toBe(true);
    expect(build({ reasoning_effort: 'none' }).body.think).toBe(false);
  });

  it('sends images as bare base64 and refuses image URLs it would have to fetch', () => {
    const message = { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo' } }] };
    expect(build({ messages: [message] }).body.messages).toEqual([{ role: 'user', content: 'What is this?', images: ['iVBORw0KGgo'] }]);
    const remote = { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] };
    expect(() => build({ messages: [remote] })).toThrow(/base64 data URLs/);
  });

  it('sends tool-call arguments as objects and names the function of a tool result (tool-calling.mdx)', () => {
    const { body } = build({
      tools: [tool],
      messages: [
        { role: 'user', content: 'What is the temperature in New York?' },
        { role: 'assistant', content: '', reasoning_content: 'Use the tool.', tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_temperature', arguments: '{"city":"New York"}' } }] },
        { role: 'tool', tool_call_id: 'call_0', content: '22°C' },
      ],
    });
    expect(body.tools).toEqual([tool]);
    expect(body.messages).toEqual([
      { role: 'user', content: 'What is the temperature in New York?' },
      { role: 'assistant', content: '', thinking: 'Use the tool.', tool_calls: [{ type: 'function', function: { index: 0, name: 'get_temperature', arguments: { city: 'New York' } } }] },
      { role: 'tool', content: '22°C', tool_name: 'get_temperature' },
    ]);
    expect(build({ tools: [tool], tool_choice: 'none' }).body).not.toHaveProperty('tools');
  });
});
