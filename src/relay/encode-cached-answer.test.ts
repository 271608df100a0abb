import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../core/chat.ts';
import { decodeCachedAnswer, encodeCachedAnswer } from './encode-cached-answer.ts';

function answer(content: string): ChatCompletion {
  return { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } };
}

describe('a cached answer as bytes', () => {
  it('comes back whole with the time it was stored, compressed smaller than its JSON', async () => {
    const completion = answer('a long answer that repeats itself, '.repeat(40));
    const bytes = await encodeCachedAnswer({ completion, storedAt: 1234 }, 1_000_000);
    expect(bytes).toBeDefined();
    expect(bytes?.length).toBeLessThan(JSON.stringify(completion).length / 4);
    expect(decodeCachedAnswer(bytes ?? new Uint8Array(), 1_000_000)).toEqual({ completion, storedAt: 1234 });
  });

  it('is not made for an answer whose JSON is larger than the entry cap', async () => {
    const completion = answer('x'.repeat(2000));
    expect(await encodeCachedAnswer({ completion, storedAt: 1 }, 2000)).toBeUndefined();
    expect(await encodeCachedAnswer({ completion, storedAt: 1 }, 3000)).toBeDefined();
  });

  it('reads bytes that are not an entry of ours, or inflate past the cap, as nothing', () => {
    expect(decodeCachedAnswer(Buffer.from('plain text'), 1000)).toBeUndefined();
    expect(decodeCachedAnswer(gzipSync(JSON.stringify({ t: 1, c: answer('a') })), 1000)).toBeUndefined();
    expect(decodeCachedAnswer(brotliCompressSync(JSON.stringify({ t: 'soon', c: answer('a') })), 1000)).toBeUndefined();
    // 10 MB of spaces compress to a few bytes: decoding stops at the cap instead of inflating them.
    const bomb = brotliCompressSync(Buffer.alloc(10_000_000, 0x20), { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
    expect(bomb.length).toBeLessThan(10_000);
    expect(decodeCachedAnswer(bomb, 100_000)).toBeUndefined();
  });
});
