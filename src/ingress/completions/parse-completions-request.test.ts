import { describe, expect, it } from 'vitest';
import { parseCompletionsRequest } from './parse-completions-request.ts';

function refusal(body: unknown): { status: number; code: string; param: string | null | undefined; message: string } {
  try {
    parseCompletionsRequest(body);
  } catch (error) {
    const failure = error as { status: number; code: string; param: string | null | undefined; message: string };
    return { status: failure.status, code: failure.code, param: failure.param, message: failure.message };
  }
  throw new Error('accepted');
}

describe('parseCompletionsRequest', () => {
  it('takes every prompt shape and passes unknown fields through', () => {
    for (const prompt of ['', 'Say hi', ['a', 'b'], [1, 2, 3], [[1, 2], [3]]]) {
      expect(parseCompletionsRequest({ model: 'm', prompt, top_k: 5 })).toMatchObject({ model: 'm', prompt, top_k: 5 });
    }
  });

  it('reads lenient values as chat does', () => {
    expect(parseCompletionsRequest({ model: 'm', prompt: 'x', stream: 'true', max_tokens: '7', logprobs: 5, echo: 'false' })).toMatchObject({ stream: true, max_tokens: 7, logprobs: 5, echo: false });
  });

  it('refuses a missing prompt, logprobs over 5, n of 0 and an empty prompt list, naming the field', () => {
    expect(refusal({ model: 'm' })).toMatchObject({ status: 400, code: 'invalid_request', param: 'prompt', message: "Missing required parameter: 'prompt'." });
    expect(refusal({ model: 'm', prompt: 'x', logprobs: 6 })).toMatchObject({ status: 400, param: 'logprobs' });
    expect(refusal({ model: 'm', prompt: 'x', n: 0 })).toMatchObject({ status: 400, param: 'n' });
    expect(refusal({ model: 'm', prompt: [] })).toMatchObject({ status: 400, param: 'prompt' });
    expect(refusal({ model: 'm', prompt: [1.5] })).toMatchObject({ status: 400, param: 'prompt[0]' });
    expect(refusal({ prompt: 'x' })).toMatchObject({ status: 400, param: 'model' });
    expect(refusal({ model: 'm', prompt: 'x', stop: ['a', 'b', 'c', 'd', 'e'] })).toMatchObject({ param: 'stop' });
    expect(refusal([1])).toMatchObject({ status: 400, code: 'invalid_json' });
  });

  it('refuses stream_options without stream, and best_of below n', () => {
    expect(refusal({ model: 'm', prompt: 'x', stream_options: { include_usage: true } })).toMatchObject({ param: 'stream_options' });
    expect(refusal({ model: 'm', prompt: 'x', n: 3, best_of: 2 })).toMatchObject({ param: 'best_of' });
    expect(parseCompletionsRequest({ model: 'm', prompt: 'x', n: 2, best_of: 3 })).toMatchObject({ n: 2, best_of: 3 });
  });
});
