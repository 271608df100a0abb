import { describe, expect, it } from 'vitest';
import { countPromptTokens, estimateCompletionsParts, estimateCompletionsUsage } from './estimate-completions.ts';

describe('completions estimates', () => {
  it('counts token-id prompts one for one and strings with the tokenizer', () => {
    expect(countPromptTokens([1, 2, 3])).toBe(3);
    expect(countPromptTokens([[1, 2], [3]])).toBe(3);
    expect(countPromptTokens('hello world')).toBe(2);
    expect(countPromptTokens(['hello', 'world'])).toBe(2);
  });

  it('reserves the cap for each generated candidate, best_of included', () => {
    expect(estimateCompletionsParts({ model: 'm', prompt: [1, 2], max_tokens: 10, n: 2, best_of: 3 }, 100)).toEqual({ prompt: 2, completion: 30 });
    expect(estimateCompletionsParts({ model: 'm', prompt: [1], suffix: 'hello world' }, 100)).toEqual({ prompt: 3, completion: 100 });
  });

  it('estimates usage with the suffix as prompt text', () => {
    expect(estimateCompletionsUsage({ model: 'm', prompt: 'hello', suffix: 'world' }, 'hello world')).toEqual({ prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
  });
});
