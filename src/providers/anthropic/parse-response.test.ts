import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { parseAnthropicError } from './parse-error.ts';
import { parseChatResponse } from './parse-response.ts';

describe('anthropic parseChatResponse', () => {
  it('reads a text message (vercel/ai anthropic-text.json)', () => {
    const body = {
      model: 'claude-opus-4-7',
      id: 'msg_01TestTextResponse',
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 5, service_tier: 'standard' },
    };
    expect(parseChatResponse(body, { channel: 'claude' })).toEqual({
      id: 'msg_01TestTextResponse',
      object: 'chat.completion',
      created: 0,
      model: 'claude-opus-4-7',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  it('reads thinking and tool_use blocks', () => {
    const body = {
      id: 'msg_2',
      model: 'claude',
      content: [
        { type: 'thinking', thinking: 'Need the weather.', signature: 'sig' },
        { type: 'tool_use', id: 'toolu_9', name: 'weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 3, output_tokens: 4 },
    };
    const message = parseChatResponse(body, { channel: 'claude' }).choices[0];
    expect(message).toMatchObject({
      finish_reason: 'tool_calls',
      message: { content: null, reasoning_content: 'Need the weather.', tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
    });
  });

  it('keeps thinking and redacted thinking blocks, signature and data unchanged, as a reasoning state of family anthropic', () => {
    const content = [
      { type: 'thinking', thinking: 'Need the weather.', signature: 'sig/+=' },
      { type: 'redacted_thinking', data: 'EmwKAhgB' },
      { type: 'text', text: 'Sunny.' },
    ];
    const message = parseChatResponse({ id: 'msg_3', model: 'claude', content, stop_reason: 'end_turn' }, { channel: 'claude' }).choices[0]?.message;
    expect(message?.reasoning_state).toEqual({ family: 'anthropic', blocks: content.slice(0, 2) });
  });

  it('says so when a 200 body is not a message', () => {
    expect(() => parseChatResponse({ hello: 1 }, { channel: 'claude' })).toThrow(GatewayError);
  });
});

describe('parseAnthropicError', () => {
  it("keeps Anthropic's words and adds its error type (529 overloaded)", () => {
    expect(parseAnthropicError(529, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toMatchObject({
      message: 'Overloaded (overloaded_error)',
      type: 'overloaded_error',
    });
  });
});
