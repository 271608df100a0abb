import { describe, expect, it } from 'vitest';
import { compareOutcomes, describeOutcome } from './compare-outcomes.ts';
import { readClientAnswer } from './read-client-answer.ts';

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe('readClientAnswer', () => {
  it('reads a chat.completion', () => {
    const body = JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'length' }] });
    expect(readClientAnswer(body)).toEqual({ content: 'Hi there', finishReason: 'length', streamError: undefined });
  });

  it('folds an SSE transcript, keep-alives and the usage chunk included', () => {
    const transcript = `${chunk({ role: 'assistant', content: 'Hel' })}: keep-alive\n\n${chunk({ content: 'lo' })}${chunk({}, 'stop')}data: {"id":"c","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}\n\ndata: [DONE]\n\n`;
    expect(readClientAnswer(transcript)).toEqual({ content: 'Hello', finishReason: 'stop', streamError: undefined });
  });

  it('keeps the words of an in-band error that ended a stream', () => {
    const transcript = `${chunk({ content: 'Hel' })}data: {"error":{"message":"upstream went away","code":"upstream_reset"}}\n\ndata: [DONE]\n\n`;
    expect(readClientAnswer(transcript)).toEqual({ content: 'Hel', finishReason: null, streamError: 'upstream went away' });
  });

  it('reads nothing from an empty or cut-off response', () => {
    expect(readClientAnswer('')).toEqual({ content: '', finishReason: null, streamError: undefined });
    expect(readClientAnswer('{"id":"c","choi…[truncated]')).toEqual({ content: '', finishReason: null, streamError: undefined });
  });
});

describe('compareOutcomes', () => {
  const fields = { requestId: 'r', status: 200, channel: 'a', attempts: [], promptTokens: 1, completionTokens: 2, usageSource: 'upstream', errorCode: undefined, errorMessage: undefined };

  it('names each compared field that differs, and ignores usage and attempts', () => {
    const original = describeOutcome(fields, { content: 'x', finishReason: 'stop', streamError: undefined });
    const replay = describeOutcome({ ...fields, requestId: 's', channel: 'b', completionTokens: 9 }, { content: 'y', finishReason: 'stop', streamError: undefined });
    expect(compareOutcomes(original, replay)).toEqual([
      { field: 'content', original: 'x', replay: 'y' },
      { field: 'channel', original: 'a', replay: 'b' },
    ]);
    expect(compareOutcomes(original, original)).toEqual([]);
  });
});
