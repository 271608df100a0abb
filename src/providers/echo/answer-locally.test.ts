import { describe, expect, it } from 'vitest';
import { readBodyText } from '../../lib/read-body-text.ts';
import { answerLocally, splitIntoWords } from './answer-locally.ts';

const request = (body: Record<string, unknown>) => ({ url: 'echo://local/v1/chat/completions', headers: {}, body });

describe('echo answerLocally', () => {
  it('splits the last user message into words that join back exactly', () => {
    expect(splitIntoWords('Hello  big world ')).toEqual(['Hello', '  big', ' world ']);
    expect(splitIntoWords('  ')).toEqual(['  ']);
    expect(splitIntoWords('')).toEqual([]);
  });

  it('streams the last user message word by word with usage when asked', async () => {
    const messages = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'x' },
      { role: 'user', content: [{ type: 'text', text: 'say it back' }] },
    ];
    const response = answerLocally(request({ model: 'echo-1', messages, stream: true, stream_options: { include_usage: true } }), new AbortController().signal);
    const text = await readBodyText(response.body);
    const events = text.split('\n\n').filter((event) => event !== '');
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)) as { model: string; choices: Array<{ delta: { content?: string } }>; usage?: unknown });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('say it back');
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 17, completion_tokens: 3, total_tokens: 20 });
    expect(chunks.every((chunk) => chunk.model === 'echo-1')).toBe(true);
  });

  it('answers one JSON completion when not streaming', async () => {
    const response = answerLocally(request({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }), new AbortController().signal);
    const completion = JSON.parse(await readBodyText(response.body)) as { choices: Array<{ message: { content: string } }> };
    expect(completion.choices[0]?.message.content).toBe('hi');
  });
});
