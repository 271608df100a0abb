import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRaw } from '../support/post-raw.ts';
import { startAzureOpenAiEmulator } from './azure-openai.ts';
import type { Emulator } from './emulator-server.ts';

const headers = { 'api-key': 'test-key' };

describe('Azure OpenAI emulator', () => {
  let emulator: Emulator;
  let root: string;
  beforeAll(async () => {
    emulator = await startAzureOpenAiEmulator();
    root = emulator.url.replace(/\/v1$/, '');
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('starts a stream with the prompt-filter preamble and sends an annotation chunk without delta after the finish', async () => {
    const url = `${root}/openai/deployments/nano-deployment/chat/completions?api-version=2024-10-21`;
    const answer = await postRaw(url, { messages: [], stream: true, stream_options: { include_usage: true } }, headers);
    const events = answer.text.split('\n\n').filter((event) => event !== '');
    expect(events[0]?.startsWith('data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":')).toBe(true);
    expect(events.at(-3)).toBe('data: {"choices":[{"content_filter_offsets":{},"content_filter_results":{},"finish_reason":null,"index":0}],"created":0,"id":"","model":"","object":""}');
    expect(events.at(-1)).toBe('data: [DONE]');
  });

  it('rejects stream_options on an api-version before 2024-09-01-preview', async () => {
    const url = `${root}/openai/deployments/nano-deployment/chat/completions?api-version=2024-02-01`;
    const answer = await postRaw(url, { messages: [], stream: true, stream_options: { include_usage: true } }, headers);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('Unrecognized request argument supplied: stream_options.');
  });
});
