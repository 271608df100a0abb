import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloMessages, postRaw } from '../support/post-raw.ts';
import type { Emulator } from './emulator-server.ts';
import { startOpenAiEmulator } from './openai-generic.ts';

describe('generic OpenAI emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startOpenAiEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('streams role, content, finish and usage chunks, then data: [DONE]', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'gpt-4o-mini',
      messages: helloMessages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const head =
      'data: {"id":"chatcmpl-D8Z5GenericDeterministicId","object":"chat.completion.chunk","created":1770933892,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_de604bd877","choices":';
    expect(answer.text).toBe(
      `${head}[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"pad0"}\n\n` +
        `${head}[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"pad1"}\n\n` +
        `${head}[{"index":0,"delta":{"content":" from"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"pad2"}\n\n` +
        `${head}[{"index":0,"delta":{"content":" OpenAI!"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"pad3"}\n\n` +
        `${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null,"obfuscation":"pad4"}\n\n` +
        `${head}[],"usage":{"prompt_tokens":16,"completion_tokens":5,"total_tokens":21,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"pad5"}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('has no usage key at all when usage was not asked for', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'gpt-4o-mini',
      messages: helloMessages,
      stream: true,
    });
    expect(answer.text).not.toContain('"usage"');
  });
});
