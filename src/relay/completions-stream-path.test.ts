import { describe, expect, it } from 'vitest';
import { parseCompletionsEvent } from '../providers/openai/completions.ts';
import { CompletionsStreamPath } from './completions-stream-path.ts';
import { createRequestRecord } from './request-record.ts';

const chunk = (text: string, finish: string | null, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'cmpl-1', object: 'text_completion', created: 7, choices: [{ text, index: 0, logprobs: null, finish_reason: finish }], model: 'upstream-name', ...extra });

function pathFor(clientWantsUsage: boolean) {
  const record = createRequestRecord('r', 'client-name', true);
  const path = new CompletionsStreamPath({
    clientModel: 'client-name',
    clientWantsUsage,
    record,
    context: { channel: 'ch' },
    parseEvent: parseCompletionsEvent,
    estimate: (text) => ({ prompt_tokens: 1, completion_tokens: text.length, total_tokens: 1 + text.length }),
  });
  return { path, record };
}

const bytes = (text: string) => new TextEncoder().encode(text);

function frames(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as unknown);
}

describe('CompletionsStreamPath', () => {
  it('decodes tolerant framing (no space after data:, CRLF, comments, JSON split mid-character, no [DONE]) into clean frames', () => {
    const { path, record } = pathFor(false);
    const body = bytes(`: keep-alive\r\n\r\ndata:${chunk('é', null)}\r\n\r\ndata: ${chunk('!', 'stop', { usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\n`);
    const split = body.indexOf(0xa9);
    path.push(body.slice(0, split));
    expect(path.frames).toBe(0);
    path.push(body.slice(split));
    path.end();
    const sent = frames(path.take());
    expect(sent).toEqual([
      { id: 'cmpl-1', object: 'text_completion', created: 7, choices: [{ text: 'é', index: 0, logprobs: null, finish_reason: null }], model: 'client-name' },
      { id: 'cmpl-1', object: 'text_completion', created: 7, choices: [{ text: '!', index: 0, logprobs: null, finish_reason: 'stop' }], model: 'client-name' },
    ]);
    expect([record.promptTokens, record.completionTokens, record.usageSource]).toEqual([3, 2, 'upstream']);
  });

  it("adds `usage: null` to each chunk and a last usage chunk, Sluice's count when the upstream gave none", () => {
    const { path, record } = pathFor(true);
    path.push(bytes(`data: ${chunk('ab', 'length')}\n\ndata: [DONE]\n\n`));
    expect(path.finished).toBe(true);
    path.end();
    const sent = frames(path.take());
    expect(sent[0]).toMatchObject({ usage: null, model: 'client-name' });
    expect(sent[1]).toEqual({ id: 'cmpl-1', object: 'text_completion', created: 7, model: 'client-name', usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, choices: [] });
    expect(record.usageSource).toBe('estimated');
  });

  it('fails a stream that ends before a finish_reason, and one that reports an error in-band', () => {
    const cut = pathFor(false).path;
    cut.push(bytes(`data: ${chunk('a', null)}\n\n`));
    expect(() => {
      cut.end();
    }).toThrow(/ended its stream before a finish_reason/);
    const failing = pathFor(false).path;
    expect(() => {
      failing.push(bytes('data: {"error":{"object":"error","message":"boom","type":"InternalServerError","param":null,"code":500}}\n\n'));
    }).toThrow(/reported an error in its stream: boom/);
  });
});
