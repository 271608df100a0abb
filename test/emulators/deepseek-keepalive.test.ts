import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloMessages, postRaw } from '../support/post-raw.ts';
import { startDeepseekEmulator } from './deepseek-keepalive.ts';
import type { Emulator } from './emulator-server.ts';

describe('DeepSeek keep-alive emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startDeepseekEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('streams keep-alive comments before and between chunks and usage on the finish chunk', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'deepseek-reasoner',
      messages: helloMessages,
      stream: true,
    });
    const head =
      'data: {"id":"b1e23612-29d5-4f66-b185-fb61fdde0ac9","object":"chat.completion.chunk","created":1738000000,"model":"deepseek-reasoner","system_fingerprint":"fp_7e73fd9a08","choices":[{"index":0,"delta":';
    const frames = answer.text.split(/(?<=\n\n)/);
    expect(frames.slice(0, 3)).toEqual([
      ': keep-alive\n\n',
      ': keep-alive\n\n',
      `${head}{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}],"usage":null}\n\n`,
    ]);
    expect(frames.filter((frame) => frame === ': keep-alive\n\n')).toHaveLength(4);
    expect(frames.at(-2)).toBe(
      `${head}{"content":"","reasoning_content":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":97,"completion_tokens":21,"total_tokens":118,"prompt_tokens_details":{"cached_tokens":64},"completion_tokens_details":{"reasoning_tokens":9},"prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":33}}\n\n`,
    );
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
  });

  it('sends empty lines before the non-stream JSON body, with no content-length', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'deepseek-reasoner',
      messages: helloMessages,
    });
    expect(answer.headers.get('content-length')).toBeNull();
    expect(answer.text).toBe(
      '\n\n\n{"id":"96ab47fa-9056-448e-8293-24546c4b4c2a","object":"chat.completion","created":1738000000,"model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from DeepSeek!","reasoning_content":"The user says hello. Greet them."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":97,"completion_tokens":21,"total_tokens":118,"prompt_tokens_details":{"cached_tokens":64},"completion_tokens_details":{"reasoning_tokens":9},"prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":33},"system_fingerprint":"fp_7e73fd9a08"}',
    );
  });
});
