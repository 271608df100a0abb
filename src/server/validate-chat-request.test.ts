import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { parseJsonText, validateChatRequest } from './validate-chat-request.ts';

const messages = [{ role: 'user', content: 'hi' }];

function rejection(body: unknown): GatewayError {
  try {
    validateChatRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('validateChatRequest', () => {
  it('coerces the string booleans and numbers some clients send', () => {
    const request = validateChatRequest({ model: 'm', messages, stream: 'true', max_tokens: '100', temperature: '0.5', stream_options: { include_usage: 'true' } });
    expect(request).toMatchObject({ stream: true, max_tokens: 100, temperature: 0.5, stream_options: { include_usage: true } });
  });

  it('passes unknown fields through untouched', () => {
    expect(validateChatRequest({ model: 'm', messages, enable_thinking: true, extra_body: { a: 1 } })).toMatchObject({ enable_thinking: true, extra_body: { a: 1 } });
  });

  it.each([
    [{ model: 'm', messages, stream: 'yes' }, 'stream'],
    [{ model: 'm', messages, max_tokens: 'lots' }, 'max_tokens'],
    [{ model: 'm', messages, n: 1.5 }, 'n'],
    [{ model: 'm', messages, stream_options: 'usage' }, 'stream_options'],
    [{ model: 'm', messages, tools: {} }, 'tools'],
    [{ model: 42, messages }, 'model'],
    [{ messages }, 'model'],
    [{ model: 'm', messages: 'hi' }, 'messages'],
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: 'm', messages: [{ content: 'x' }] }, 'messages[0].role'],
  ])('rejects %j naming %s', (body, param) => {
    const error = rejection(body);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
  });

  it('rejects a body that is not an object', () => {
    expect(rejection([1, 2]).code).toBe('invalid_json');
  });
});

describe('parseJsonText', () => {
  it('says what is wrong with malformed JSON', () => {
    expect(() => parseJsonText('{"model": ')).toThrow(/not valid JSON/);
    expect(() => parseJsonText('')).toThrow(/empty/);
  });
});
