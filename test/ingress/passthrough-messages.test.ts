// Same-dialect pass-through of /v1/messages to Anthropic channels (docs/ingress-protocols.md §D1) with
// the real @anthropic-ai/sdk: the upstream gets the client's body (model mapped) with its
// anthropic-version and anthropic-beta and the channel's own key; the client gets the upstream's
// events with their bytes (thinking and signature included) and only the model name changed;
// count_tokens is the upstream's; a failure after the first byte is the upstream's own `event: error`;
// and a request that fails over from Anthropic to an OpenAI channel takes both paths, one per try.
// Claude Code's `?beta=true` reaches Anthropic; server tools go to Anthropic as written and are refused
// only where a translated try would have to serve them; an upstream 400 about the request reaches
// the client as Anthropic wrote it.
import Anthropic, { BadRequestError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokensBody, midStreamData, promptTooLongBody, startAnthropicEmulator, thinkingMessageJson, thinkingSignature, thinkingStreamData } from '../emulators/anthropic-messages.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { openAiText, startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { checkMessagesSse, parseMessagesSse } from '../support/check-messages-sse.ts';
import { postRaw } from '../support/post-raw.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const key = 'sk-claude-code';
const beta = 'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14';
const question = [{ role: 'user' as const, content: 'What is 925 / 5?' }];
const thinking = { type: 'enabled' as const, budget_tokens: 4000 };

/** The data lines of an SSE body, in order. */
function dataLines(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length));
}

describe('/v1/messages passed through to Anthropic channels', () => {
  let anthropic: Emulator;
  let openai: Emulator;
  let gateway: YamlGateway;
  let client: Anthropic;
  beforeAll(async () => {
    [anthropic, openai] = await Promise.all([startAnthropicEmulator(), startOpenAiEmulator()]);
    const root = anthropic.url.replace(/\/v1$/, '');
    gateway = await startYamlGateway(
      [
        'keys:',
        `  - { name: app, key: ${key}, models: ["*"] }`,
        'channels:',
        `  - { name: claude, type: anthropic, base_url: "${root}", api_key: test-key, models: [claude-thinking, claude-error-mid, claude-text, claude-too-long], model_map: { opus: claude-thinking, mid: claude-error-mid }, retry: { attempts: 1 } }`,
        // `mixed`: Anthropic overloaded first, then an OpenAI channel.
        `  - { name: claude-busy, type: anthropic, base_url: "${root}", api_key: test-key, models: [claude-overloaded], model_map: { mixed: claude-overloaded }, priority: 0, retry: { attempts: 1 } }`,
        `  - { name: openai, type: openai, base_url: "${openai.url}", api_key: test-key, models: [gpt-4o], model_map: { mixed: gpt-4o }, priority: 1 }`,
      ].join('\n'),
    );
    client = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0, timeout: 10_000, defaultHeaders: { 'anthropic-beta': beta } });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([anthropic.close(), openai.close()]);
  });

  it('streams the upstream events byte for byte, thinking signature included, with the client’s model name', async () => {
    const answer = await postRaw(`${gateway.url}/v1/messages?beta=true`, { model: 'opus', max_tokens: 8000, thinking, stream: true, messages: question }, { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'anthropic-beta': beta });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-sluice-adaptations')).toBe('pass-through');
    const events = checkMessagesSse(answer.text);
    expect(events[0]).toMatchObject({ message: { model: 'opus', id: 'msg_01Y6V41gqPaKWEw7iPouH7iW' } });
    // Every event after message_start is the upstream's data line, unchanged (context_management included).
    expect(dataLines(answer.text).slice(1)).toEqual(thinkingStreamData.slice(1));
    const sent = anthropic.received.at(-1);
    expect(sent?.path).toBe('/v1/messages?beta=true');
    expect(sent?.body).toEqual({ model: 'claude-thinking', max_tokens: 8000, thinking, stream: true, messages: question });
    expect(sent?.headers).toMatchObject({ 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01', 'anthropic-beta': beta });
  });

  it('gives the SDK the signature as Anthropic wrote it, and sends it back unchanged', async () => {
    const streamed = await client.messages.stream({ model: 'opus', max_tokens: 8000, thinking, messages: question }).finalMessage();
    const block = streamed.content[0];
    expect(block).toEqual({ type: 'thinking', thinking: expect.any(String), signature: thinkingSignature });
    const created = await client.messages.create({ model: 'opus', max_tokens: 8000, thinking, messages: question });
    expect(created.model).toBe('opus');
    const upstream = JSON.parse(thinkingMessageJson()) as { content: unknown; usage: unknown };
    expect(created.content).toEqual(upstream.content);
    // The upstream's usage as it wrote it (cache_creation, service_tier): the translated path rebuilds it.
    expect(created.usage).toEqual(upstream.usage);
    await client.messages.create({ model: 'opus', max_tokens: 8000, thinking, messages: [...question, { role: 'assistant', content: created.content }, { role: 'user', content: 'And times 2?' }] });
    const sentBack = anthropic.received.at(-1);
    expect((sentBack?.body?.messages as Array<{ content: unknown }>)[1]?.content).toEqual(upstream.content);
    expect(sentBack?.rawBody).toContain(`"signature":"${thinkingSignature}"`);
    expect(sentBack?.headers['anthropic-beta']).toBe(beta);
    expect(sentBack?.headers['x-api-key']).toBe('test-key');
  });

  it('answers count_tokens with the upstream’s own count, unmarked', async () => {
    const counted = await client.messages.countTokens({ model: 'opus', messages: question, thinking }).withResponse();
    expect(counted.data).toEqual(JSON.parse(countTokensBody));
    expect(counted.response.headers.get('x-sluice-estimated')).toBeNull();
    const sent = anthropic.received.at(-1);
    expect(sent?.path).toBe('/v1/messages/count_tokens');
    expect(sent?.body).toEqual({ model: 'claude-thinking', messages: question, thinking });
    expect(sent?.headers['anthropic-beta']).toBe(beta);
  });

  it('ends a stream that fails after its first byte with the upstream’s own event: error', async () => {
    const answer = await postRaw(`${gateway.url}/v1/messages`, { model: 'mid', max_tokens: 100, stream: true, messages: question }, { 'x-api-key': key });
    expect(answer.status).toBe(200);
    const events = parseMessagesSse(answer.text);
    expect(events.map((event) => event.type)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'error']);
    expect(dataLines(answer.text).slice(1)).toEqual(midStreamData().slice(1));
    await expect(client.messages.stream({ model: 'mid', max_tokens: 100, messages: question }).finalMessage()).rejects.toThrow(/Overloaded/);
  });

  it('fails over from an Anthropic channel (pass-through) to an OpenAI channel (translated) in one request', async () => {
    const before = anthropic.received.length;
    const created = await client.messages.create({ model: 'mixed', max_tokens: 100, messages: question, metadata: { user_id: 'u1' } }).withResponse();
    expect(created.data.content).toEqual([expect.objectContaining({ type: 'text', text: openAiText })]);
    expect(created.data.model).toBe('mixed');
    expect(created.response.headers.get('x-sluice-attempts')).toBe('2');
    expect(created.response.headers.get('x-sluice-channel')).toBe('openai');
    const tried = anthropic.received.slice(before);
    expect(tried).toHaveLength(1);
    expect(tried[0]?.body).toEqual({ model: 'claude-overloaded', max_tokens: 100, messages: question, metadata: { user_id: 'u1' } });
    expect(tried[0]?.headers['anthropic-beta']).toBe(beta);
    expect(openai.received.at(-1)?.body).toMatchObject({ model: 'gpt-4o', messages: [{ role: 'user', content: 'What is 925 / 5?' }], user: 'u1' });
    const streamed = await client.messages.stream({ model: 'mixed', max_tokens: 100, messages: question }).finalMessage();
    expect(streamed.content).toEqual([expect.objectContaining({ type: 'text', text: openAiText })]);
  });

  it('forwards ?beta=true on count_tokens too', async () => {
    const counted = await postRaw(`${gateway.url}/v1/messages/count_tokens?beta=true`, { model: 'opus', messages: question }, { 'x-api-key': key, 'anthropic-version': '2023-06-01' });
    expect(JSON.parse(counted.text)).toEqual(JSON.parse(countTokensBody));
    expect(anthropic.received.at(-1)?.path).toBe('/v1/messages/count_tokens?beta=true');
  });

  it('sends server tools to Anthropic as the client wrote them, and refuses them only without an Anthropic channel', async () => {
    const tools = [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }, { type: 'bash_20250124', name: 'bash' }];
    const created = await client.messages.create({ model: 'opus', max_tokens: 8000, messages: question, tools, tool_choice: { type: 'tool', name: 'web_search' } } as never).withResponse();
    expect(created.data.content).toEqual((JSON.parse(thinkingMessageJson()) as { content: unknown }).content);
    expect(created.response.headers.get('x-sluice-dropped-tools')).toBeNull();
    expect(anthropic.received.at(-1)?.body).toMatchObject({ model: 'claude-thinking', tools, tool_choice: { type: 'tool', name: 'web_search' } });
    const counted = await client.messages.countTokens({ model: 'opus', messages: question, tools } as never).withResponse();
    expect(counted.response.headers.get('x-sluice-estimated')).toBeNull();
    expect(anthropic.received.at(-1)?.body).toMatchObject({ tools });
    // gpt-4o is served only translated: nothing can run web_search there.
    const before = openai.received.length;
    const refused = await postRaw(`${gateway.url}/v1/messages`, { model: 'gpt-4o', max_tokens: 100, messages: question, tools }, { 'x-api-key': key });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', param: 'tools[0].type' } });
    expect(openai.received).toHaveLength(before);
  });

  it('keeps a request with server tools on the Anthropic channels of a mixed model: overloaded there is a 529, not a translated answer without them', async () => {
    const before = openai.received.length;
    const answer = await postRaw(`${gateway.url}/v1/messages`, { model: 'mixed', max_tokens: 100, messages: question, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, { 'x-api-key': key });
    expect(answer.status).toBe(529);
    expect(JSON.parse(answer.text)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(answer.headers.get('x-sluice-attempts')).toBe('1');
    expect(openai.received).toHaveLength(before);
    expect(anthropic.received.at(-1)?.body).toMatchObject({ model: 'claude-overloaded', tools: [{ type: 'web_search_20250305', name: 'web_search' }] });
  });

  it('answers an upstream 400 about the request with Anthropic’s own error body', async () => {
    const answer = await postRaw(`${gateway.url}/v1/messages?beta=true`, { model: 'claude-too-long', max_tokens: 100, stream: true, messages: question }, { 'x-api-key': key });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual(JSON.parse(promptTooLongBody));
    const refused = await client.messages.create({ model: 'claude-too-long', max_tokens: 100, messages: question }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as BadRequestError).message).toContain('prompt is too long');
    expect((refused as BadRequestError).error).toEqual(JSON.parse(promptTooLongBody));
  });
});
