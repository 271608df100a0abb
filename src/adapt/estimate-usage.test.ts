import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../core/chat.ts';
import { estimateUsage, estimatorOf, keepPromptText } from './estimate-usage.ts';

const request: ChatRequest = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say hello.' },
  ],
};

describe('estimateUsage', () => {
  it('counts message text with about 3 tokens per message plus 3 for the reply', () => {
    const text = ['system', 'You are terse.', 'user', 'Say hello.'].reduce((sum, part) => sum + countTokens(part), 0);
    expect(estimateUsage(request, '').prompt_tokens).toBe(text + 2 * 3 + 3);
  });

  it('counts the completion text and sums the total', () => {
    const usage = estimateUsage(request, 'Hello there, friend.');
    expect(usage.completion_tokens).toBe(countTokens('Hello there, friend.'));
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('gives zero completion tokens for no completion text', () => {
    expect(estimateUsage(request, '').completion_tokens).toBe(0);
  });

  it('counts text parts, names and tool call arguments, and ignores image parts', () => {
    const bare = estimateUsage({ model: 'm', messages: [{ role: 'user', content: [] }] }, '').prompt_tokens;
    const rich = estimateUsage(
      {
        model: 'm',
        messages: [
          {
            role: 'user',
            name: 'alice',
            content: [
              { type: 'text', text: 'Describe this picture in detail please.' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            ],
          },
        ],
      },
      '',
    ).prompt_tokens;
    expect(rich - bare).toBe(countTokens('Describe this picture in detail please.') + 1 + countTokens('alice'));
    const withCall = estimateUsage(
      {
        model: 'm',
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
          },
        ],
      },
      '',
    ).prompt_tokens;
    const withoutCall = estimateUsage({ model: 'm', messages: [{ role: 'assistant', content: null }] }, '').prompt_tokens;
    expect(withCall - withoutCall).toBe(countTokens('weather') + countTokens('{"city":"Paris"}'));
  });

  it('counts tool definitions as prompt', () => {
    const tools = [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const withTools = estimateUsage({ ...request, tools }, '').prompt_tokens;
    expect(withTools - estimateUsage(request, '').prompt_tokens).toBe(countTokens(JSON.stringify(tools)));
  });

  it('counts special-token text as plain text instead of throwing', () => {
    const usage = estimateUsage({ model: 'm', messages: [{ role: 'user', content: 'a <|endoftext|> b' }] }, '<|im_start|>');
    expect(usage.prompt_tokens).toBeGreaterThan(3);
    expect(usage.completion_tokens).toBeGreaterThan(1);
  });

  it('is deterministic', () => {
    expect(estimateUsage(request, 'same text')).toEqual(estimateUsage(request, 'same text'));
  });
});

describe('keepPromptText', () => {
  // What a held stream keeps for its end's estimate (docs/benchmarks.md "Held stream, round seven").
  const rich: ChatRequest = {
    model: 'gpt-4o',
    temperature: 0.2,
    messages: [
      { role: 'user', name: 'ann', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(5_000)}` } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
      'not a message',
    ] as ChatRequest['messages'],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
  };

  it('keeps only the counted text, the counts and the tools: no image, no other field', () => {
    const prompt = keepPromptText(rich);
    expect(prompt).toEqual({ texts: ['user', 'Look:', 'ann', 'assistant', 'lookup', '{"q":"x"}'], messages: 2, names: 1, tools: rich.tools });
  });

  it('estimates what estimateUsage counts from the whole request', () => {
    expect(estimatorOf(rich)('Hello there.')).toEqual(estimateUsage(rich, 'Hello there.'));
    expect(estimatorOf(request)('')).toEqual(estimateUsage(request, ''));
  });
});
