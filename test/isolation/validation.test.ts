// Issue 12, item 1: a body OpenAI would refuse is refused by Sluice with the same 400 (the field
// named as OpenAI names it) before any upstream call, so no client's malformed requests reach an
// upstream, break it, or open its circuit for everyone else. Unusual but legal bodies still pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startOpenAiEmbeddings } from '../emulators/embeddings-upstreams.ts';
import { startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { postRaw } from '../support/post-raw.ts';

let chat: Emulator;
let embeddings: Emulator;
let sluice: RunningSluice;

beforeAll(async () => {
  [chat, embeddings] = await Promise.all([startOpenAiEmulator(), startOpenAiEmbeddings()]);
  const yaml = `
channels:
  - { name: chat, type: openai, base_url: ${chat.url}, api_key: sk-c, models: [gpt-4o] }
  - { name: embed, type: openai, base_url: ${embeddings.url}, api_key: sk-e, models: [text-embedding-3-small] }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'validation.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
});

afterAll(async () => {
  await sluice.close();
  await Promise.all([chat.close(), embeddings.close()]);
});

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

const user = { role: 'user', content: 'hi' };
const chatOf = (fields: Record<string, unknown>) => ({ model: 'gpt-4o', messages: [user], ...fields });

describe('malformed chat requests never reach the upstream', () => {
  it.each([
    ['a user message without content', { messages: [{ role: 'user' }] }, 'messages[0].content', /Missing required parameter/],
    ['an unknown role', { messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role', /Invalid value: 'wizard'\. Supported values are/],
    ['a number as content', { messages: [{ role: 'user', content: 5 }] }, 'messages[0].content', /expected one of a string or an array/],
    ['a tool message without tool_call_id', { messages: [user, { role: 'tool', content: 'sunny' }] }, 'messages[1].tool_call_id', /Missing required parameter/],
    ['five stop sequences', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', /maximum length 4/],
    ['temperature 3', { temperature: 3 }, 'temperature', /<= 2/],
    ['stream_options without stream', { stream_options: { include_usage: true } }, 'stream_options', /only allowed when 'stream' is enabled/],
    ['a bad content part', { messages: [{ role: 'user', content: [{ type: 'text', text: 7 }] }] }, 'messages[0].content[0].text', /expected a string/],
    ['a tool call without a function', { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function' }] }] }, 'messages[0].tool_calls[0].function', /Missing/],
    ['logit_bias out of range', { logit_bias: { '50256': 150 } }, 'logit_bias.50256', /<= 100/],
  ])('answers 400 for %s, naming the field', async (_name, fields, param, message) => {
    const answer = await postRaw(`${sluice.url}/v1/chat/completions`, chatOf(fields));
    expect(answer.status).toBe(400);
    const { error } = JSON.parse(answer.text) as ErrorBody;
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param });
    expect(error.message).toMatch(message);
  });

  it.each([
    ['an empty input list', { model: 'text-embedding-3-small', input: [] }, 'input'],
    ['an unknown encoding', { model: 'text-embedding-3-small', input: 'x', encoding_format: 'hex' }, 'encoding_format'],
    ['zero dimensions', { model: 'text-embedding-3-small', input: 'x', dimensions: 0 }, 'dimensions'],
  ])('answers 400 for an embeddings request with %s', async (_name, body, param) => {
    const answer = await postRaw(`${sluice.url}/v1/embeddings`, body);
    expect(answer.status).toBe(400);
    expect((JSON.parse(answer.text) as ErrorBody).error.param).toBe(param);
  });

  it('sent none of them upstream', () => {
    expect(chat.received).toHaveLength(0);
    expect(embeddings.received).toHaveLength(0);
  });
});

describe('unusual but legal requests still pass', () => {
  it('relays content parts, an assistant turn with tool calls and null content, and vendor fields as sent', async () => {
    const body = {
      model: 'gpt-4o',
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{}' } }], reasoning_content: 'I should look.' },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      ],
      tools: [{ type: 'function', function: { name: 'look', parameters: { type: 'object', properties: {} } } }],
      tool_choice: 'auto',
      stop: 'END',
      enable_thinking: false,
      top_k: 20,
      max_tokens: '50',
    };
    const answer = await postRaw(`${sluice.url}/v1/chat/completions`, body);
    expect(answer.status).toBe(200);
    const received = chat.received.at(-1)?.body;
    expect(received).toMatchObject({ messages: body.messages, tools: body.tools, enable_thinking: false, top_k: 20, max_tokens: 50 });
  });

  it('still coerces the lenient string forms of stream and numbers', async () => {
    const answer = await postRaw(`${sluice.url}/v1/chat/completions`, chatOf({ stream: 'true', stream_options: { include_usage: 'true' }, temperature: '0.5' }));
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('data: [DONE]');
    expect(chat.received.at(-1)?.body).toMatchObject({ stream: true, temperature: 0.5 });
  });

  it('relays token-array embeddings input', async () => {
    const answer = await postRaw(`${sluice.url}/v1/embeddings`, { model: 'text-embedding-3-small', input: [[1, 2], [3]], dimensions: 8 });
    expect(answer.status).toBe(200);
    expect(embeddings.received.at(-1)?.body).toMatchObject({ input: [[1, 2], [3]], dimensions: 8 });
  });
});
