import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import type { StreamEncoder } from '../core/ingress-codec.ts';
import { createIngressCodecs, findIngressCodec } from './ingress-codecs.ts';

const codecs = createIngressCodecs({ dropUnsupportedTools: false });
const context = { requestId: 'req_1', createdAt: 1, promptTokens: () => 5 };
const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
const bodies: Record<string, object> = {
  responses: { model: 'm', input: 'Hi', stream: true },
  messages: { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }], stream: true },
};

function completion(finishReason: string): ChatCompletion {
  return { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: finishReason }], usage };
}

function chunk(content: string, finishReason: string | null = null): ChatCompletionChunk {
  return { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finishReason }] };
}

describe('findIngressCodec', () => {
  it('finds a codec by the log row\'s protocol, Chat Completions for rows without one, none for embeddings', () => {
    expect(findIngressCodec(codecs, 'responses')?.protocol).toBe('responses');
    expect(findIngressCodec(codecs, 'messages')?.protocol).toBe('messages');
    expect(findIngressCodec(codecs, undefined)?.protocol).toBe('chat');
    expect(findIngressCodec(codecs, 'embeddings')).toBeUndefined();
  });
});

describe.each([
  { protocol: 'responses', finishes: { stop: 'completed', length: 'max_output_tokens' }, failed: 'failed' },
  { protocol: 'messages', finishes: { stop: 'end_turn', length: 'max_tokens' }, failed: null },
])('the $protocol codec reads its own answers back', ({ protocol, finishes, failed }) => {
  const codec = findIngressCodec(codecs, protocol);
  if (codec === undefined) throw new Error(protocol);
  const opened = codec.open(bodies[protocol]);

  it('from a non-stream answer', () => {
    for (const [reason, word] of Object.entries(finishes)) {
      expect(codec.readAnswer(JSON.stringify(opened.encodeCompletion(completion(reason), context)))).toEqual({ content: 'Hello there', finishReason: word, streamError: undefined });
    }
  });

  it('from a stream transcript, and one that ended in an error event', () => {
    const encode = (end: (encoder: StreamEncoder) => string): string => {
      const encoder = opened.createStreamEncoder?.(context);
      if (encoder === undefined) throw new Error('no encoder');
      return encoder.encodeChunk(chunk('Hello')) + encoder.encodeChunk(chunk(' there', 'stop')) + end(encoder);
    };
    expect(codec.readAnswer(encode((encoder) => encoder.encodeEnd(usage)))).toEqual({ content: 'Hello there', finishReason: finishes.stop, streamError: undefined });
    const failure = encode((encoder) => encoder.encodeFailure(new GatewayError('upstream_error', 'upstream went away'), 'req_1'));
    expect(codec.readAnswer(failure)).toEqual({ content: 'Hello there', finishReason: failed, streamError: 'upstream went away' });
  });

  it('reads nothing from an error body or a cut-off capture', () => {
    expect(codec.readAnswer('{"error":{"message":"no"}}')).toEqual({ content: '', finishReason: null, streamError: undefined });
    expect(codec.readAnswer('{"id":"resp_…[truncated]')).toEqual({ content: '', finishReason: null, streamError: undefined });
  });
});
