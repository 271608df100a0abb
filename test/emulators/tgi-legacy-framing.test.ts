import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloMessages, postRaw } from '../support/post-raw.ts';
import type { Emulator } from './emulator-server.ts';
import { startTgiEmulator } from './tgi-legacy-framing.ts';

describe('TGI ≤ 2.0.4 emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTgiEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('writes data: with no space, repeats the role, ends with eos_token and data:[DONE]', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'tgi',
      messages: helloMessages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const head =
      '{"id":"","object":"text_completion","created":1717000000,"model":"meta-llama/Meta-Llama-3-8B-Instruct","system_fingerprint":"2.0.4-native","choices":[{"index":0,"delta":{"role":"assistant","content":';
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/event-stream');
    expect(answer.text).toBe(
      `data:${head}"Hello"},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data:${head}" from"},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data:${head}" TGI!"},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data:${head}""},"logprobs":null,"finish_reason":"eos_token"}]}\n\n` +
        'data:[DONE]\n\n',
    );
  });

  it('answers non-stream calls with object text_completion and its own model id', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, { model: 'tgi', messages: helloMessages });
    expect(answer.text).toBe(
      '{"id":"","object":"text_completion","created":1717000000,"model":"meta-llama/Meta-Llama-3-8B-Instruct","system_fingerprint":"2.0.4-native","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from TGI!"},"logprobs":null,"finish_reason":"eos_token"}],"usage":{"prompt_tokens":14,"completion_tokens":6,"total_tokens":20}}',
    );
  });
});
