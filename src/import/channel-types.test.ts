import { describe, expect, it } from 'vitest';
import { findChannelType, isMappedType, toSluiceBaseUrl, type ChannelTypeMapping } from './channel-types.ts';

function mapped(kind: 'one-api' | 'new-api', type: number): ChannelTypeMapping {
  const found = findChannelType(kind, type);
  if (!isMappedType(found)) throw new Error(`type ${String(type)} is not mapped`);
  return found;
}

describe('findChannelType', () => {
  it('reads each project by its own numbers (Ollama 30 vs 4, DeepSeek 36 vs 43, xAI 45 vs 48)', () => {
    expect(mapped('one-api', 30)).toMatchObject({ name: 'Ollama', sluiceType: 'ollama' });
    expect(mapped('new-api', 4)).toMatchObject({ name: 'Ollama', sluiceType: 'ollama' });
    expect(mapped('one-api', 36).name).toBe('DeepSeek');
    expect(mapped('new-api', 43).name).toBe('DeepSeek');
    expect(mapped('one-api', 45).name).toBe('xAI');
    expect(mapped('new-api', 48).name).toBe('xAI');
    expect(findChannelType('new-api', 36)).toEqual({ name: 'Suno', reason: expect.stringContaining('no dialect') as unknown });
    expect(findChannelType('one-api', 999)).toMatchObject({ reason: 'one-api type 999 is not one this import knows' });
  });
});

describe('toSluiceBaseUrl', () => {
  it('adds the path their adaptor appended, unless the operator wrote it already', () => {
    expect(toSluiceBaseUrl(mapped('one-api', 1), undefined)).toBe('https://api.openai.com/v1');
    expect(toSluiceBaseUrl(mapped('one-api', 1), 'https://relay.example/v1/')).toBe('https://relay.example/v1');
    expect(toSluiceBaseUrl(mapped('one-api', 8), 'https://relay.example/v1/chat/completions')).toBe('https://relay.example/v1');
    expect(toSluiceBaseUrl(mapped('one-api', 17), undefined)).toBe('https://dashscope.aliyuncs.com/compatible-mode/v1');
    expect(toSluiceBaseUrl(mapped('one-api', 29), undefined)).toBe('https://api.groq.com/openai/v1');
    expect(toSluiceBaseUrl(mapped('one-api', 14), undefined)).toBe('https://api.anthropic.com');
    expect(toSluiceBaseUrl(mapped('one-api', 50), undefined)).toBeUndefined();
  });
});
