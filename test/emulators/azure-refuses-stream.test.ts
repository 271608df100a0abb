import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloMessages, postRaw } from '../support/post-raw.ts';
import { startAzureEmulator } from './azure-refuses-stream.ts';
import type { Emulator } from './emulator-server.ts';

describe('Azure o3-mini emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startAzureEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('refuses stream: true with unsupported_value', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'o3-mini',
      messages: helloMessages,
      stream: true,
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe(
      `{"error":{"message":"Unsupported value: 'stream' does not support true with this model. Supported values are: false.","type":"invalid_request_error","param":"stream","code":"unsupported_value"}}`,
    );
  });

  it('refuses stream_options on a non-stream call', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'o3-mini',
      messages: helloMessages,
      stream_options: { include_usage: true },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe(
      `{"error":{"message":"The 'stream_options' parameter is only allowed when 'stream' is enabled.","type":"invalid_request_error","param":"stream_options","code":null}}`,
    );
  });

  it('answers a non-stream call with alphabetical keys, filter results and reasoning tokens', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, { model: 'o3-mini', messages: helloMessages });
    expect(answer.status).toBe(200);
    expect(answer.text.startsWith('{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},')).toBe(true);
    expect(answer.text).toContain(
      '"message":{"annotations":[],"content":"Hello from Azure o3-mini!","refusal":null,"role":"assistant"}}],"created":1738540800,"id":"chatcmpl-AzUre03m1n1DeterministicId0001","model":"o3-mini-2025-01-31","object":"chat.completion","prompt_filter_results":[{"prompt_index":0,',
    );
    expect(answer.text.endsWith(
      '"usage":{"completion_tokens":86,"completion_tokens_details":{"accepted_prediction_tokens":0,"audio_tokens":0,"reasoning_tokens":64,"rejected_prediction_tokens":0},"prompt_tokens":12,"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":0},"total_tokens":98}}',
    )).toBe(true);
  });
});
