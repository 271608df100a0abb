import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { parseChatRequest } from './parse-chat-request.ts';

const user = { role: 'user', content: 'hi' };
const messages = [user];

function rejection(body: unknown): GatewayError {
  try {
    parseChatRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('parseChatRequest', () => {
  it('coerces the string booleans and numbers some clients send', () => {
    const request = parseChatRequest({ model: 'm', messages, stream: 'true', max_tokens: '100', temperature: '0.5', stream_options: { include_usage: 'true' } });
    expect(request).toMatchObject({ stream: true, max_tokens: 100, temperature: 0.5, stream_options: { include_usage: true } });
  });

  it('passes unknown fields through untouched, at the top and inside messages', () => {
    const assistant = { role: 'assistant', content: 'x', reasoning_content: 'thought', extra_content: { google: { thought_signature: 's' } } };
    expect(parseChatRequest({ model: 'm', messages: [user, assistant], enable_thinking: true, extra_body: { a: 1 } })).toEqual({
      model: 'm',
      messages: [user, assistant],
      enable_thinking: true,
      extra_body: { a: 1 },
    });
  });

  it('accepts content parts, assistant tool calls with null content, tool results and unknown part and tool types', () => {
    const body = {
      model: 'm',
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'be brief' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look', cache_control: { type: 'ephemeral' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==', detail: 'low' } },
            { type: 'image_url', image_url: 'https://example.com/a.png' },
            { type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } },
            { type: 'file', file: { file_id: 'file-1' } },
            { type: 'video_url', video_url: { url: 'https://example.com/a.mp4' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'done' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] },
        { role: 'function', name: 'f', content: null },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }, { type: 'web_search' }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      stop: ['a', 'b', 'c', 'd'],
      logit_bias: { '50256': -100 },
      n: 2,
      top_logprobs: 20,
      logprobs: true,
      temperature: 2,
      top_p: 0,
      presence_penalty: -2,
      seed: null,
    };
    expect(parseChatRequest(body)).toEqual(body);
  });

  it.each([
    [{ model: 'm', messages: [{ role: 'user' }] }, 'messages[0].content', /Missing required parameter: 'messages\[0\]\.content'/],
    [{ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role', /Invalid value: 'wizard'\. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', and 'function'/],
    [{ model: 'm', messages: [{ role: 'user', content: 5 }] }, 'messages[0].content', /expected one of a string or an array, but got an integer/],
    [{ model: 'm', messages: [user, { role: 'tool', content: 'x' }] }, 'messages[1].tool_call_id', /Missing required parameter/],
    [{ model: 'm', messages, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', /array too long\. Expected an array with maximum length 4, but got an array with length 5/],
    [{ model: 'm', messages, temperature: 3 }, 'temperature', /expected a value <= 2, but got 3/],
    [{ model: 'm', messages, stream_options: { include_usage: true } }, 'stream_options', /only allowed when 'stream' is enabled/],
    [{ model: 'm', messages, stream: false, stream_options: { include_usage: true } }, 'stream_options', /only allowed/],
    [{ model: 'm', messages, top_p: 1.5 }, 'top_p', /<= 1/],
    [{ model: 'm', messages, frequency_penalty: -3 }, 'frequency_penalty', />= -2/],
    [{ model: 'm', messages, n: 0 }, 'n', />= 1/],
    [{ model: 'm', messages, n: 129 }, 'n', /<= 128/],
    [{ model: 'm', messages, n: 1.5 }, 'n', /expected an integer, but got a decimal/],
    [{ model: 'm', messages, max_tokens: 0 }, 'max_tokens', />= 1/],
    [{ model: 'm', messages, max_tokens: 'lots' }, 'max_tokens', /Invalid type/],
    [{ model: 'm', messages, top_logprobs: 21 }, 'top_logprobs', /<= 20/],
    [{ model: 'm', messages, logit_bias: { '1': 101 } }, 'logit_bias.1', /<= 100/],
    [{ model: 'm', messages, stream: 'yes' }, 'stream', /expected a boolean/],
    [{ model: 'm', messages, stream_options: 'usage', stream: true }, 'stream_options', /expected an object/],
    [{ model: 'm', messages, tools: {} }, 'tools', /expected an array/],
    [{ model: 'm', messages, tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name', /Missing required parameter/],
    [{ model: 'm', messages, tool_choice: 'any' }, 'tool_choice', /Supported values are: 'none', 'auto', and 'required'/],
    [{ model: 'm', messages, response_format: { type: 'json_schema' } }, 'response_format.json_schema', /Missing/],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages[0].content[0].text', /Missing/],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 5 } }] }] }, 'messages[0].content[0].image_url.url', /expected a string/],
    [{ model: 'm', messages: [{ role: 'user', content: [] }] }, 'messages[0].content', /empty array/],
    [{ model: 'm', messages: [{ role: 'user', content: [7] }] }, 'messages[0].content[0]', /expected an object/],
    [{ model: 'm', messages: [{ role: 'assistant' }] }, 'messages[0].content', /needs content unless it carries tool_calls/],
    [{ model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }] }] }, 'messages[0].tool_calls[0].function.arguments', /expected a string/],
    [{ model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'magic' }] }] }, 'messages[0].tool_calls[0].type', /Supported values are: 'function' and 'custom'/],
    [{ model: 'm', messages, max_tokens: Number.POSITIVE_INFINITY }, 'max_tokens', /out of range/],
    [{ model: 42, messages }, 'model', /expected a string/],
    [{ messages }, 'model', /Missing required parameter: 'model'/],
    [{ model: 'm', messages: 'hi' }, 'messages', /expected an array/],
    [{ model: 'm', messages: [] }, 'messages', /empty array/],
    [{ model: 'm', messages: [{ content: 'x' }] }, 'messages[0].role', /Missing required parameter/],
    [{ model: 'm', messages: [{ role: 3, content: 'x' }] }, 'messages[0].role', /expected a string, but got an integer/],
  ])('rejects %j naming %s', (body, param, message) => {
    const error = rejection(body);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
  });

  it('rejects a body that is not an object', () => {
    expect(rejection([1, 2]).code).toBe('invalid_json');
  });

  it('quotes at most a short piece of a long value', () => {
    expect(rejection({ model: 'm', messages: [{ role: 'x'.repeat(10_000), content: 'x' }] }).message.length).toBeLessThan(200);
  });
});
