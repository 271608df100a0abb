// Raw Messages SSE, event by event (test/support/check-messages-sse.ts), from a request shaped like
// Claude Code's (`?beta=true`, x-api-key, anthropic-beta, cache_control system blocks, an inline
// system message, array tool results, metadata, thinking; docs/ingress-protocols.md §A5), and a
// failure after the first byte as `event: error` with no message_stop (§D3 "Idle and errors").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicEmulator } from '../emulators/anthropic-messages.ts';
import { startAzureOpenAiEmulator } from '../emulators/azure-openai.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { checkMessagesSse } from '../support/check-messages-sse.ts';
import { postRaw } from '../support/post-raw.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const key = 'sk-claude-code';
const claudeCodeHeaders = {
  'x-api-key': key,
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
  'x-claude-code-session-id': 'b1f5c0de-0000-4000-8000-000000000000',
};

/** A turn of Claude Code's: big cached system blocks, a tool loop with array tool results, an inline system reminder. */
function claudeCodeRequest(model: string): Record<string, unknown> {
  return {
    model,
    max_tokens: 32_000,
    stream: true,
    system: [
      { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Use the tools to answer.', cache_control: { type: 'ephemeral' } },
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'List the files.', cache_control: { type: 'ephemeral' } }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Listing.' }, { type: 'tool_use', id: 'toolu_01A', name: 'Bash', input: { command: 'ls' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: [{ type: 'text', text: 'a.ts' }, { type: 'text', text: 'b.ts' }] }, { type: 'text', text: 'Now count them.' }] },
      { role: 'system', content: 'The user changed the working directory.' },
      { role: 'user', content: 'Go on.' },
    ],
    tools: [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } }],
    metadata: { user_id: 'user_abc_account_def_session_ghi' },
    thinking: { type: 'enabled', budget_tokens: 4000 },
  };
}

describe('raw /v1/messages SSE', () => {
  let openai: Emulator;
  let anthropic: Emulator;
  let azure: Emulator;
  let gateway: YamlGateway;
  beforeAll(async () => {
    [openai, anthropic, azure] = await Promise.all([startOpenAiEmulator(), startAnthropicEmulator(), startAzureOpenAiEmulator()]);
    const root = (emulator: Emulator) => emulator.url.replace(/\/v1$/, '');
    gateway = await startYamlGateway(
      [
        'keys:',
        `  - { name: claude-code, key: ${key}, models: ["*"] }`,
        'channels:',
        `  - { name: openai, type: openai, base_url: "${openai.url}", api_key: test-key, models: [gpt-4o] }`,
        `  - { name: claude, type: anthropic, base_url: "${root(anthropic)}", api_key: test-key, models: [claude-thinking, claude-tools, claude-error-mid], retry: { attempts: 1 } }`,
        `  - { name: azure, type: azure, base_url: "${root(azure)}", api_key: test-key, models: [server-error-mid], retry: { attempts: 1 } }`,
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([openai.close(), anthropic.close(), azure.close()]);
  });

  it("serves a Claude-Code-shaped request on an OpenAI channel: clean events, and the upstream gets the whole conversation", async () => {
    const answer = await postRaw(`${gateway.url}/v1/messages?beta=true`, claudeCodeRequest('gpt-4o'), claudeCodeHeaders);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = checkMessagesSse(answer.text);
    expect(events.map((event) => event.type)).toEqual(['message_start', 'content_block_start', ...Array<string>(events.length - 5).fill('content_block_delta'), 'content_block_stop', 'message_delta', 'message_stop']);
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) } });
    const sent = openai.received.at(-1)?.body as { messages: unknown[]; user: unknown; tools: unknown[]; stream: unknown };
    expect(sent.messages).toEqual([
      { role: 'system', content: "You are Claude Code, Anthropic's official CLI for Claude.\n\nUse the tools to answer." },
      { role: 'user', content: 'List the files.' },
      { role: 'assistant', content: 'Listing.', tool_calls: [{ id: 'toolu_01A', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_01A', content: 'a.ts\nb.ts' },
      { role: 'user', content: 'Now count them.' },
      { role: 'system', content: 'The user changed the working directory.' },
      { role: 'user', content: 'Go on.' },
    ]);
    expect(sent).toMatchObject({ user: 'user_abc_account_def_session_ghi', stream: true, reasoning_effort: 'low' });
  });

  it('streams Anthropic thinking with its signature_delta, then text, on an Anthropic channel', async () => {
    const answer = await postRaw(`${gateway.url}/v1/messages?beta=true`, { ...claudeCodeRequest('claude-thinking'), tools: undefined }, claudeCodeHeaders);
    const events = checkMessagesSse(answer.text);
    const blocks = events.filter((event) => event.type === 'content_block_start').map((event) => (event.content_block as { type: string }).type);
    expect(blocks).toEqual(['thinking', 'text']);
    expect(events.filter((event) => (event.delta as { type?: string } | undefined)?.type === 'signature_delta')).toHaveLength(1);
    const sent = anthropic.received.at(-1)?.body as { thinking: unknown; system: unknown };
    // Same-dialect pass-through: Anthropic gets the client's own thinking settings as it wrote them.
    expect(sent.thinking).toEqual(claudeCodeRequest('claude-thinking').thinking);
  });

  it('streams a tool call as one tool_use block with input_json_delta', async () => {
    const answer = await postRaw(`${gateway.url}/v1/messages`, { ...claudeCodeRequest('claude-tools'), messages: [{ role: 'user', content: 'Weather in Paris?' }], thinking: undefined }, claudeCodeHeaders);
    const events = checkMessagesSse(answer.text);
    const json = events.filter((event) => (event.delta as { type?: string } | undefined)?.type === 'input_json_delta').map((event) => (event.delta as { partial_json: string }).partial_json).join('');
    expect(JSON.parse(json)).toEqual({ city: 'Paris' });
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('ends a stream that fails after its first byte with event: error and no message_stop', async () => {
    for (const model of ['claude-error-mid', 'server-error-mid']) {
      const answer = await postRaw(`${gateway.url}/v1/messages`, { ...claudeCodeRequest(model), tools: undefined, thinking: undefined }, claudeCodeHeaders);
      expect(answer.status).toBe(200);
      const events = checkMessagesSse(answer.text);
      expect(events.at(-1)).toMatchObject({ type: 'error', error: { type: expect.stringMatching(/^(overloaded_error|api_error)$/), message: expect.any(String) } });
      expect(events.some((event) => event.type === 'content_block_delta')).toBe(true);
    }
  });
});
