import { describe, expect, it } from 'vitest';
import type { Channel } from '../../core/channel.ts';
import { buildChatRequest } from './build-request.ts';

const channel = {
  name: 'up',
  type: 'openai',
  baseUrl: 'http://127.0.0.1:9/v1/',
  headers: {},
} as unknown as Channel;

const request = {
  model: 'alias',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  stream_options: { include_usage: false, include_obfuscation: false },
  temperature: 0.2,
};

describe('openai buildChatRequest', () => {
  it('appends the API path to a base URL ending in /v1', () => {
    const built = buildChatRequest(request, { channel, upstreamModel: 'real', apiKey: 'k', stream: true, streamOptions: true }, 'x');
    expect(built.url).toBe('http://127.0.0.1:9/v1/chat/completions');
    expect(built.headers.authorization).toBe('Bearer k');
    expect(built.headers['accept-encoding']).toBe('identity');
  });

  it('asks for usage in a streamed call to an upstream that accepts stream_options, keeping the client options', () => {
    const { body } = buildChatRequest(request, { channel, upstreamModel: 'real', apiKey: 'k', stream: true, streamOptions: true }, 'x');
    expect(body).toEqual({
      model: 'real',
      messages: request.messages,
      temperature: 0.2,
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
    });
  });

  it('sends no stream_options to an upstream that rejects them', () => {
    const { body } = buildChatRequest(request, { channel, upstreamModel: 'real', apiKey: 'k', stream: true, streamOptions: false }, 'x');
    expect(body).not.toHaveProperty('stream_options');
    expect(body.stream).toBe(true);
  });

  it('never sends stream or stream_options with a non-stream call', () => {
    const { body, headers } = buildChatRequest(request, { channel, upstreamModel: 'real', apiKey: undefined, stream: false, streamOptions: true }, 'x');
    expect(body).not.toHaveProperty('stream');
    expect(body).not.toHaveProperty('stream_options');
    expect(headers).not.toHaveProperty('authorization');
    expect(headers.accept).toBe('application/json');
  });

  it('uses the dialect default when the channel has no base URL', () => {
    const built = buildChatRequest(request, { channel: { ...channel, baseUrl: undefined }, upstreamModel: 'm', apiKey: 'k', stream: false, streamOptions: false }, 'https://api.openai.com/v1');
    expect(built.url).toBe('https://api.openai.com/v1/chat/completions');
  });

  it('never sends another dialect\'s reasoning state upstream (issue 14)', () => {
    const messages = [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'yo', reasoning_state: { family: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }] } }, { role: 'user', content: 'and?' }];
    const { body } = buildChatRequest({ ...request, messages }, { channel, upstreamModel: 'real', apiKey: 'k', stream: false, streamOptions: false }, 'x');
    expect(body.messages).toEqual([{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'yo' }, { role: 'user', content: 'and?' }]);
  });

});
