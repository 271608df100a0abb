import { describe, expect, it } from 'vitest';
import { readDeltaText, readReasoning } from './read-delta-text.ts';

describe('readReasoning', () => {
  it('reads reasoning_content, or reasoning as vLLM and Ollama name it', () => {
    expect(readReasoning({ reasoning_content: 'a' })).toBe('a');
    expect(readReasoning({ reasoning: 'b' })).toBe('b');
    expect(readReasoning({ content: 'c' })).toBeUndefined();
  });

  it('prefers reasoning_content when both carry text', () => {
    expect(readReasoning({ reasoning_content: 'a', reasoning: 'a' })).toBe('a');
    expect(readReasoning({ reasoning_content: '', reasoning: 'b' })).toBe('b');
  });
});

describe('readDeltaText', () => {
  it('joins content, reasoning, refusal and tool call names and arguments', () => {
    expect(
      readDeltaText({ content: 'c', reasoning: 'r', refusal: 'x', tool_calls: [{ index: 0, function: { name: 'f', arguments: '{}' } }] }),
    ).toBe('crxf{}');
  });

  it('gives empty text for a missing delta or null fields', () => {
    expect(readDeltaText(undefined)).toBe('');
    expect(readDeltaText({ content: null, reasoning_content: null, tool_calls: null })).toBe('');
  });
});
