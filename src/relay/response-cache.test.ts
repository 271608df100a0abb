import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../core/chat.ts';
import { ResponseCache } from './response-cache.ts';

function answer(content: string): ChatCompletion {
  return { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] };
}

const sizeOf = (completion: ChatCompletion): number => Buffer.byteLength(JSON.stringify(completion));

function createCache(overrides: Partial<{ ttlMs: number; maxEntries: number; maxBytes: number; models: string[]; maxEntryBytes: number }> = {}) {
  let now = 0;
  const cache = new ResponseCache({ ttlMs: 1000, maxEntries: 10, maxBytes: 1_000_000, models: ['*'], maxEntryBytes: 1_000_000, chargeHits: false, ...overrides }, () => now);
  return { cache, advance: (ms: number) => (now += ms) };
}

describe('ResponseCache', () => {
  it('serves an answer until its time to live passes, then forgets it', () => {
    const { cache, advance } = createCache({ ttlMs: 1000 });
    cache.set('k', answer('a'));
    advance(999);
    expect(cache.get('k')?.choices[0]?.message.content).toBe('a');
    advance(1);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('stores for the time to live it is given, and serves only answers younger than the age asked for', () => {
    const { cache, advance } = createCache({ ttlMs: 1000 });
    cache.set('short', answer('s'), 100);
    cache.set('k', answer('a'));
    advance(150);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('k', 100)).toBeUndefined();
    // Too old for that reader, still there for the others.
    expect(cache.get('k')?.choices[0]?.message.content).toBe('a');
    expect(cache.get('k', 151)?.choices[0]?.message.content).toBe('a');
  });

  it('drops the least recently used answer past max_entries', () => {
    const { cache } = createCache({ maxEntries: 2 });
    cache.set('a', answer('a'));
    cache.set('b', answer('b'));
    cache.get('a');
    cache.set('c', answer('c'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('drops the least recently used answers until the bytes fit max_bytes', () => {
    const one = sizeOf(answer('a'));
    const { cache } = createCache({ maxBytes: one * 2 + 1 });
    cache.set('a', answer('a'));
    cache.set('b', answer('b'));
    expect(cache.bytes).toBe(one * 2);
    cache.set('c', answer('c'));
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBeLessThanOrEqual(one * 2 + 1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('does not store an answer larger than max_bytes, and keeps what it holds', () => {
    const { cache } = createCache({ maxBytes: sizeOf(answer('a')) });
    cache.set('a', answer('a'));
    expect(cache.set('big', answer('x'.repeat(100)))).toBe(false);
    expect(cache.get('a')).toBeDefined();
  });

  it('covers only the configured models', () => {
    const { cache } = createCache({ models: ['gpt-4o*'] });
    expect(cache.covers('gpt-4o-mini')).toBe(true);
    expect(cache.covers('claude')).toBe(false);
  });
});
