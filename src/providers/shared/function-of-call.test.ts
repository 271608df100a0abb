// OpenAI's `custom` tool calls carry free text, not a function: the dialects that take only function
// calls (Anthropic, Gemini, Ollama) refuse them with a 400 naming the call, never a TypeError (500).
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../core/channel.ts';
import type { ChatRequest, ToolCall } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { findProvider } from '../registry.ts';
import type { UpstreamTarget } from '../types.ts';
import { functionOfCall } from './read-messages.ts';

const customCall = { id: 'call_1', type: 'custom', custom: { name: 'grep', input: 'TODO' } } as unknown as ToolCall;
const request: ChatRequest = {
  model: 'm',
  messages: [
    { role: 'user', content: 'find the todos' },
    { role: 'assistant', content: null, tool_calls: [customCall] },
    { role: 'tool', tool_call_id: 'call_1', content: 'none' },
  ],
};

function refusalOf(build: () => unknown): GatewayError {
  try {
    build();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a custom tool call sent to a function-only dialect', () => {
  it('returns the function of a function call', () => {
    const call = { id: 'c', type: 'function', function: { name: 'weather', arguments: '{}' } } as ToolCall;
    expect(functionOfCall(call, 'messages[1].tool_calls[0]')).toEqual({ name: 'weather', arguments: '{}' });
  });

  for (const type of ['anthropic', 'gemini', 'ollama']) {
    it(`is a 400 naming the call for ${type}`, () => {
      const provider = findProvider(type);
      if (provider === undefined) throw new Error(`no provider ${type}`);
      const channel = { name: type, type, baseUrl: 'http://127.0.0.1:9', headers: {}, apiKeys: ['k'], apiVersion: undefined } as unknown as Channel;
      const target: UpstreamTarget = { channel, upstreamModel: 'm', apiKey: 'k', stream: false, streamOptions: false };
      const refusal = refusalOf(() => provider.buildChatRequest(request, target));
      expect(refusal).toMatchObject({ code: 'invalid_request', status: 400, param: 'messages[1].tool_calls[0]' });
      expect(refusal.message).toContain("'custom' tool call");
    });
  }
});
