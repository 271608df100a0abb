import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloMessages, postRaw } from '../support/post-raw.ts';
import { startDashscopeEmulator } from './dashscope-stream-only.ts';
import type { Emulator } from './emulator-server.ts';

describe('DashScope QwQ emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startDashscopeEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('refuses a non-stream call with the message that ends in a space', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, { model: 'qwq-plus', messages: helloMessages });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe(
      '{"error":{"code":"invalid_parameter_error","param":null,"message":"This model only support stream mode, please enable the stream parameter to access the model. ","type":"invalid_request_error"},"id":"chatcmpl-7ed765de-de61-9a89-87f2-da9f2e39f825","request_id":"7ed765de-de61-9a89-87f2-da9f2e39f825"}',
    );
  });

  it('streams reasoning with content null first, then content, a finish chunk and a usage chunk', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'qwq-plus',
      messages: helloMessages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const tail =
      ',"object":"chat.completion.chunk","usage":null,"created":1741680000,"system_fingerprint":null,"model":"qwq-plus","id":"chatcmpl-7ed765de-de61-9a89-87f2-da9f2e39f825"}\n\n';
    const frames = answer.text.split(/(?<=\n\n)/);
    expect(frames[0]).toBe(
      `data: {"choices":[{"delta":{"content":null,"role":"assistant","reasoning_content":""},"index":0,"logprobs":null,"finish_reason":null}]${tail}`,
    );
    expect(frames[1]).toBe(
      `data: {"choices":[{"finish_reason":null,"logprobs":null,"delta":{"content":null,"reasoning_content":"The"},"index":0}]${tail}`,
    );
    expect(frames).toContain(
      `data: {"choices":[{"delta":{"content":"Hello","reasoning_content":null},"finish_reason":null,"index":0,"logprobs":null}]${tail}`,
    );
    expect(frames.at(-3)).toBe(
      `data: {"choices":[{"finish_reason":"stop","delta":{"content":"","reasoning_content":null},"index":0,"logprobs":null}]${tail}`,
    );
    expect(frames.at(-2)).toBe(
      'data: {"choices":[],"object":"chat.completion.chunk","usage":{"prompt_tokens":24,"completion_tokens":19,"total_tokens":43,"completion_tokens_details":{"reasoning_tokens":12},"prompt_tokens_details":{"cached_tokens":0}},"created":1741680000,"system_fingerprint":null,"model":"qwq-plus","id":"chatcmpl-7ed765de-de61-9a89-87f2-da9f2e39f825"}\n\n',
    );
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
  });
});
