import { describe, expect, it } from 'vitest';
import { parseChatResponse } from './parse-response.ts';

describe('ollama parseChatResponse', () => {
  it('reads a non-stream answer with done_reason length', () => {
    const body = { model: 'llama3.2', created_at: '2023-12-12T14:13:43.416799Z', message: { role: 'assistant', content: 'Hello! How are' }, done_reason: 'length', done: true, prompt_eval_count: 26, eval_count: 298 };
    expect(parseChatResponse(body, { channel: 'local' })).toMatchObject({
      object: 'chat.completion',
      created: Math.floor(Date.parse('2023-12-12T14:13:43.416799Z') / 1000),
      model: 'llama3.2',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How are' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 26, completion_tokens: 298, total_tokens: 324 },
    });
  });
});
