import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { parseResponsesRequest } from './parse-responses-request.ts';

const refuse = { dropUnsupportedTools: false };

describe('parseResponsesRequest', () => {
  it('maps instructions, sampling, limits, reasoning effort and a json_schema format', () => {
    const { chat, state } = parseResponsesRequest(
      {
        model: 'm',
        instructions: 'Be brief.',
        input: 'Hi',
        max_output_tokens: 50,
        temperature: 0.5,
        top_p: 0.9,
        user: 'u1',
        metadata: { a: 'b' },
        store: true,
        reasoning: { effort: 'low' },
        text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      },
      refuse,
    );
    expect(chat).toEqual({
      model: 'm',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }],
      stream: false,
      max_completion_tokens: 50,
      temperature: 0.5,
      top_p: 0.9,
      user: 'u1',
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
    });
    expect(state.echo).toMatchObject({ metadata: { a: 'b' }, max_output_tokens: 50, instructions: 'Be brief.' });
  });

  it('maps tool_choice forms onto Chat', () => {
    const tools = [{ type: 'function', name: 'f', parameters: { type: 'object' } }, { type: 'custom', name: 'c' }];
    const choice = (toolChoice: unknown): unknown => parseResponsesRequest({ model: 'm', input: 'x', tools, tool_choice: toolChoice }, refuse).chat['tool_choice'];
    expect(choice('required')).toBe('required');
    expect(choice({ type: 'function', name: 'f' })).toEqual({ type: 'function', function: { name: 'f' } });
    expect(choice({ type: 'custom', name: 'c' })).toEqual({ type: 'function', function: { name: 'c' } });
    expect(choice({ type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'f' }] })).toEqual({
      type: 'allowed_tools',
      allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'f' } }] },
    });
  });

  it('moves images from a tool output into a user message after the tool messages', () => {
    const { chat } = parseResponsesRequest(
      {
        model: 'm',
        input: [
          { type: 'function_call', call_id: 'c1', name: 'shot', arguments: '{}' },
          { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'see image' }, { type: 'input_image', image_url: 'data:image/png;base64,AA' }] },
        ],
      },
      refuse,
    );
    expect(chat.messages.slice(1)).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'see image' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] },
    ]);
  });

  it('drops hosted tools and their items when told to, and lists them for the warning header', () => {
    const parsed = parseResponsesRequest(
      { model: 'm', input: [{ type: 'web_search_call', id: 'ws' }, { role: 'user', content: 'x' }], tools: [{ type: 'web_search' }, { type: 'function', name: 'f' }], tool_choice: { type: 'web_search' } },
      { dropUnsupportedTools: true },
    );
    expect(parsed.untranslatable).toEqual({ refusal: undefined, headers: { 'x-sluice-dropped-tools': 'web_search_call,web_search' } });
    expect(parsed.chat['tools']).toEqual([{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }]);
    expect(parsed.chat).not.toHaveProperty('tool_choice');
    expect(parsed.state.echo.tools).toEqual([{ type: 'function', name: 'f' }]);
  });

  it('without the switch leaves hosted tools out of the chat request and keeps the refusal a translated try answers with', () => {
    const parsed = parseResponsesRequest({ model: 'm', input: [{ type: 'web_search_call', id: 'ws' }, { role: 'user', content: 'x' }], tools: [{ type: 'web_search' }, { type: 'function', name: 'f' }] }, refuse);
    expect(parsed.chat['tools']).toEqual([{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }]);
    expect(parsed.untranslatable?.refusal).toMatchObject({ code: 'unsupported_feature', status: 400, param: 'input[0]' });
    expect(parsed.untranslatable?.refusal?.message).toContain("'web_search_call'");
    expect(parsed.untranslatable?.headers).toEqual({ 'x-sluice-dropped-tools': 'web_search_call,web_search' });
    expect(parseResponsesRequest({ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f' }] }, refuse).untranslatable).toBeUndefined();
  });

  it('refuses previous_response_id with what to do instead', () => {
    expect(() => parseResponsesRequest({ model: 'm', input: 'x', previous_response_id: 'resp_1' }, refuse)).toThrow(GatewayError);
    expect(() => parseResponsesRequest({ model: 'm', input: 'x', previous_response_id: 'resp_1' }, refuse)).toThrow(/resend the full history/);
  });
});
