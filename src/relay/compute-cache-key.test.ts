import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatRequest } from '../core/chat.ts';
import { computeCacheKey, isCacheableCompletion, isCacheableRequest, writeCanonicalJson } from './compute-cache-key.ts';

const base: ChatRequest = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], temperature: 0 };

function completion(finishReasons: Array<string | null>): ChatCompletion {
  return {
    id: 'c',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: finishReasons.map((finish_reason, index) => ({ index, message: { role: 'assistant', content: 'x' }, finish_reason })),
  };
}

describe('writeCanonicalJson', () => {
  it('sorts object keys at every depth and drops undefined fields', () => {
    expect(writeCanonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe('computeCacheKey', () => {
  it('is the same whatever the order of the keys', () => {
    const reordered: ChatRequest = { temperature: 0, messages: [{ content: 'hi', role: 'user' }], model: 'gpt-4o' };
    expect(computeCacheKey(reordered)).toBe(computeCacheKey(base));
  });

  it('leaves out stream, stream_options and user', () => {
    const streaming: ChatRequest = { ...base, stream: true, stream_options: { include_usage: true }, user: 'someone' };
    expect(computeCacheKey(streaming)).toBe(computeCacheKey(base));
  });

  it('changes with every field that can change the answer', () => {
    const variants: ChatRequest[] = [
      { ...base, model: 'gpt-4o-mini' },
      { ...base, messages: [{ role: 'user', content: 'hello' }] },
      { ...base, temperature: 1 },
      { ...base, top_p: 0.5 },
      { ...base, seed: 7 },
      { ...base, max_tokens: 10 },
      { ...base, response_format: { type: 'json_object' } },
      { ...base, tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] },
      { ...base, tool_choice: 'none' },
    ];
    const keys = new Set([computeCacheKey(base), ...variants.map((variant) => computeCacheKey(variant))]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('keys by the resolved model when one is given', () => {
    expect(computeCacheKey(base, 'gpt-4o-2024-08-06')).not.toBe(computeCacheKey(base));
    expect(computeCacheKey({ ...base, model: 'alias' }, 'gpt-4o')).toBe(computeCacheKey(base));
  });

  it('is a SHA-256 in hex', () => {
    expect(computeCacheKey(base)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('what may be cached', () => {
  it('refuses n > 1 and takes n = 1 or none', () => {
    expect(isCacheableRequest({ ...base, n: 2 })).toBe(false);
    expect(isCacheableRequest({ ...base, n: 1 })).toBe(true);
    expect(isCacheableRequest(base)).toBe(true);
  });

  it('stores only answers that ended normally', () => {
    expect(isCacheableCompletion(completion(['stop']))).toBe(true);
    expect(isCacheableCompletion(completion(['tool_calls']))).toBe(true);
    expect(isCacheableCompletion(completion(['length']))).toBe(false);
    expect(isCacheableCompletion(completion(['content_filter']))).toBe(false);
    expect(isCacheableCompletion(completion([null]))).toBe(false);
    expect(isCacheableCompletion(completion([]))).toBe(false);
  });
});
