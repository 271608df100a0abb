import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRaw } from '../support/post-raw.ts';
import type { Emulator } from './emulator-server.ts';
import { startGeminiEmulator } from './gemini-generate-content.ts';

const headers = { 'x-goog-api-key': 'test-key' };

describe('Gemini emulator', () => {
  let emulator: Emulator;
  let root: string;
  beforeAll(async () => {
    emulator = await startGeminiEmulator();
    root = emulator.url.replace(/\/v1$/, '');
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('ends alt=sse frames in CRLF CRLF and sends no [DONE]', async () => {
    const answer = await postRaw(`${root}/v1beta/models/gemini-text:streamGenerateContent?alt=sse`, { contents: [] }, headers);
    const frames = answer.text.split('\r\n\r\n');
    expect(frames).toHaveLength(4);
    expect(frames.at(-1)).toBe('');
    expect(frames[0]?.startsWith('data: {"candidates":[{"content":{"parts":[{"text":"There are **3**"}],"role":"model"},"index":0}],"usageMetadata":')).toBe(true);
    expect(answer.text).not.toContain('[DONE]');
  });

  it('puts the retry hint of a 429 in the body, not in a header', async () => {
    const answer = await postRaw(`${root}/v1beta/models/gemini-quota:generateContent`, { contents: [] }, headers);
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBeNull();
    expect(answer.text).toContain('"retryDelay": "34.4s"');
  });
});
