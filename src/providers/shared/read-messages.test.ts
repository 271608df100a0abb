import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { findToolCallName, parseDataUrl, parseToolArguments, readContentText } from './read-messages.ts';

describe('read-messages', () => {
  it('splits a base64 data URL into media type and data', () => {
    expect(parseDataUrl('data:image/jpeg;base64,/9j/4AAQ')).toEqual({ mediaType: 'image/jpeg', data: '/9j/4AAQ' });
    expect(parseDataUrl('data:application/pdf;name=a.pdf;base64,JVBER')).toEqual({ mediaType: 'application/pdf', data: 'JVBER' });
    expect(parseDataUrl('https://example.com/a.png')).toBeUndefined();
  });

  it('reads tool-call arguments as an object, an empty string as no arguments', () => {
    expect(parseToolArguments('{"a":1}', 'p')).toEqual({ a: 1 });
    expect(parseToolArguments('', 'p')).toEqual({});
    expect(() => parseToolArguments('[1]', 'messages[1].tool_calls[0].function.arguments')).toThrow(GatewayError);
  });

  it('finds the function of a tool result by the nearest earlier call with its id', () => {
    const call = (name: string) => ({ role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name, arguments: '{}' } }] });
    const messages = [call('first'), { role: 'tool', tool_call_id: 'call_0', content: 'a' }, call('second'), { role: 'tool', tool_call_id: 'call_0', content: 'b' }];
    expect([findToolCallName(messages, 1, 'call_0'), findToolCallName(messages, 3, 'call_0'), findToolCallName(messages, 1, 'other')]).toEqual(['first', 'second', undefined]);
  });

  it('joins the text parts of a content array', () => {
    expect(readContentText([{ type: 'text', text: 'a' }, { type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: 'b' }])).toBe('ab');
  });
});
