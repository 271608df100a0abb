import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloMessages, postRaw } from '../support/post-raw.ts';
import type { Emulator } from './emulator-server.ts';
import { startXaiEmulator } from './xai-rejects-stream-options.ts';

describe('xAI emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startXaiEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('answers 400 with a string `error` when the body has stream_options', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'grok-2-1212',
      messages: helloMessages,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe(
      '{"code":"Client specified an invalid argument","error":"Argument not supported: stream_options"}',
    );
  });

  it('streams chunks that omit logprobs, finish_reason and usage until needed', async () => {
    const answer = await postRaw(`${emulator.url}/chat/completions`, {
      model: 'grok-2-1212',
      messages: helloMessages,
      stream: true,
    });
    const head = '{"id":"b7c1e0f2-5d3a-4c1e-9f0a-2a6d8e4b7c10","object":"chat.completion.chunk","created":1735689600,"model":"grok-2-1212","choices":';
    const tail = ',"system_fingerprint":"fp_5c0c5bd4a1"}';
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      `data: ${head}[{"index":0,"delta":{"content":"Hello","role":"assistant"}}]${tail}\n\n` +
        `data: ${head}[{"index":0,"delta":{"content":" from"}}]${tail}\n\n` +
        `data: ${head}[{"index":0,"delta":{"content":" xAI!"}}]${tail}\n\n` +
        `data: ${head}[{"index":0,"delta":{},"finish_reason":"stop"}]${tail}\n\n` +
        'data: [DONE]\n\n',
    );
    expect(emulator.received.at(-1)?.body?.['stream']).toBe(true);
  });
});
