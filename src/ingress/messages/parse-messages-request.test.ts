import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { parseMessagesRequest } from './parse-messages-request.ts';

const strict = { dropUnsupportedTools: false, requireMaxTokens: true };
const parse = (body: Record<string, unknown>, options = strict) => parseMessagesRequest({ model: 'claude', max_tokens: 100, ...body }, options);

function refusal(body: Record<string, unknown>, options = strict): GatewayError {
  try {
    parse(body, options);
  } catch (error) {
    if (error instanceof GatewayError) return error;
  }
  throw new Error('expected a refusal');
}

describe('parseMessagesRequest', () => {
  it('turns system blocks (cache_control dropped) and inline system messages into system messages where they stand', () => {
    const { chat } = parse({
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Be terse.' }],
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'The user switched to plan mode.' },
        { role: 'assistant', content: 'ok' },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'system', content: 'You are Claude Code.\n\nBe terse.' },
      { role: 'user', content: 'hi' },
      { role: 'system', content: 'The user switched to plan mode.' },
      { role: 'assistant', content: 'ok' },
    ]);
  });

  it('keeps an assistant turn whole (text, tool calls, signed thinking) and puts tool results first, then one user message with the rest', () => {
    const thinking = { type: 'thinking', thinking: 'Weather first.', signature: 'sig' };
    const { chat } = parse({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } }] },
        { role: 'assistant', content: [thinking, { type: 'redacted_thinking', data: 'EmwK' }, { type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }, { type: 'tool_use', id: 'toolu_2', name: 'time', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18°C' }, { type: 'image', source: { type: 'url', url: 'https://x/map.png' } }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'clock broken', is_error: true },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } }] },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'time', arguments: '{}' } },
        ],
        reasoning_state: { family: 'anthropic', blocks: [thinking, { type: 'redacted_thinking', data: 'EmwK' }] },
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: '[tool error] clock broken' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/map.png' } }, { type: 'text', text: 'And tomorrow?' }] },
    ]);
  });

  it('drops an unsigned thinking block: reasoning relayed from another family cannot be verified', () => {
    const { chat } = parse({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: '' }, { type: 'text', text: 'a' }] }, { role: 'user', content: 'q2' }] });
    expect(chat.messages[1]).toEqual({ role: 'assistant', content: 'a' });
  });

  it('maps tools, tool_choice, disable_parallel_tool_use, stop_sequences, metadata, sampling, effort and stream', () => {
    const { chat, state } = parse({
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ name: 'weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } }, cache_control: { type: 'ephemeral' } }],
      tool_choice: { type: 'tool', name: 'weather', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
      temperature: 0.5,
      thinking: { type: 'enabled', budget_tokens: 10_000 },
      stream: true,
    });
    expect(chat).toMatchObject({
      model: 'claude',
      max_tokens: 100,
      tools: [{ type: 'function', function: { name: 'weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
      stop: ['END'],
      user: 'u-1',
      temperature: 0.5,
      reasoning_effort: 'medium',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(state).toEqual({ model: 'claude', stopSequences: ['END'] });
    expect(parse({ messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'a', input_schema: {} }], tool_choice: { type: 'any' }, output_config: { effort: 'max' } }).chat).toMatchObject({ tool_choice: 'required', reasoning_effort: 'high' });
  });

  it('refuses a missing max_tokens and a file document, and keeps the refusal of a server tool, a container and mcp_servers for a translated try, naming the field', () => {
    const hi = [{ role: 'user', content: 'hi' }];
    expect(refusal({ max_tokens: undefined, messages: hi })).toMatchObject({ status: 400, param: 'max_tokens' });
    expect(parseMessagesRequest({ model: 'claude', messages: hi }, { ...strict, requireMaxTokens: false }).chat.max_tokens).toBeUndefined();
    // Anthropic's own features: kept aside for a translated try to refuse (an Anthropic channel takes them as written).
    const kept = (body: Record<string, unknown>) => parse(body).untranslatable?.refusal;
    expect(kept({ messages: hi, tools: [{ type: 'web_search_20250305', name: 'web_search' }] })).toMatchObject({ status: 400, param: 'tools[0].type' });
    expect(kept({ messages: hi, container: 'cntr_1' })).toMatchObject({ param: 'container' });
    expect(kept({ messages: hi, mcp_servers: [{ type: 'url', url: 'https://mcp', name: 'x' }] })).toMatchObject({ param: 'mcp_servers' });
    expect(kept({ messages: hi, tools: [{ type: 'web_search_20250305', name: 'web_search' }], tool_choice: { type: 'tool', name: 'web_search' } })).toMatchObject({ param: 'tools[0].type' });
    expect(refusal({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'file', file_id: 'file_1' } }] }] })).toMatchObject({ param: 'messages[0].content[0].source' });
    expect(refusal({ messages: [{ role: 'robot', content: 'hi' }] })).toMatchObject({ param: 'messages[0].role' });
  });

  it('with drop_unsupported_tools drops them instead and lists them in x-sluice-dropped-tools', () => {
    const { chat, untranslatable } = parse(
      { messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }, { type: 'bash_20250124', name: 'bash' }, { name: 'weather', input_schema: { type: 'object' } }], tool_choice: { type: 'auto' } },
      { dropUnsupportedTools: true, requireMaxTokens: true },
    );
    expect(chat.tools).toEqual([{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }]);
    expect(untranslatable).toEqual({ refusal: undefined, headers: { 'x-sluice-dropped-tools': 'web_search, bash' } });
  });
});
