import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloMessages, postRaw } from '../support/post-raw.ts';
import type { Emulator } from './emulator-server.ts';
import { startVllmEmulator } from './vllm-absent-nulls.ts';

describe('vLLM emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startVllmEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('streams deltas holding only what was set, reasoning in delta.reasoning, no usage key', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'Qwen/Qwen3-8B',
      messages: helloMessages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const head =
      'data: {"id":"chatcmpl-9a60df2b23bb539f","object":"chat.completion.chunk","created":1774751760,"model":"Qwen/Qwen3-8B","choices":';
    expect(answer.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const frames = answer.text.split(/(?<=\n\n)/);
    expect(frames[0]).toBe(`${head}[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`);
    expect(frames[1]).toBe(`${head}[{"index":0,"delta":{"reasoning":"A"},"logprobs":null,"finish_reason":null}]}\n\n`);
    expect(frames).toContain(`${head}[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}\n\n`);
    expect(frames.at(-3)).toBe(
      `${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}\n\n`,
    );
    expect(frames.at(-2)).toBe(`${head}[],"usage":{"prompt_tokens":13,"total_tokens":30,"completion_tokens":17}}\n\n`);
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
  });

  it('answers non-stream calls with message.reasoning and every null spelled out', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, { model: 'Qwen/Qwen3-8B', messages: helloMessages });
    expect(answer.text).toBe(
      '{"id":"chatcmpl-9a60df2b23bb539f","object":"chat.completion","created":1774751760,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from vLLM!","refusal":null,"annotations":null,"audio":null,"function_call":null,"tool_calls":[],"reasoning":"A greeting. Answer briefly."},"logprobs":null,"finish_reason":"stop","stop_reason":null,"token_ids":null}],"service_tier":null,"system_fingerprint":null,"usage":{"prompt_tokens":13,"total_tokens":30,"completion_tokens":17,"prompt_tokens_details":null},"prompt_logprobs":null,"prompt_token_ids":null,"kv_transfer_params":null}',
    );
  });
});
