import { describe, expect, it, vi } from 'vitest';
import type { ChatCompletionChunk, Usage } from '../core/chat.ts';
import type { GatewayError } from '../core/errors.ts';
import type { StreamEncoder } from '../core/ingress-codec.ts';
import { createChatStreamParser } from '../providers/openai/parse-stream.ts';
import { ClientStreamPath } from './client-stream-path.ts';
import { createRequestRecord } from './request-record.ts';

/** Writes what it was given, one line each: what another protocol's encoder would see. */
function createRecordingEncoder(): StreamEncoder {
  return {
    encodeChunk: (chunk: ChatCompletionChunk) => (chunk.choices.length === 0 ? '' : `chunk ${chunk.model} ${JSON.stringify(chunk.choices[0]?.delta ?? {})}\n`),
    encodeEnd: (usage: Usage) => `end ${usage.prompt_tokens}+${usage.completion_tokens}\n`,
    encodeFailure: (error: GatewayError, requestId: string) => `failed ${error.code} ${requestId}\n`,
    keepalive: 'ping\n',
  };
}

const upstreamBytes = (events: object[]): Uint8Array =>
  new TextEncoder().encode(`${events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('')}data: [DONE]\n\n`);

const chunk = (delta: object, finish: string | null = null, usage: object | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'upstream-model',
  choices: usage === null || finish !== null || Object.keys(delta).length > 0 ? [{ index: 0, delta, finish_reason: finish }] : [],
  usage,
});

describe('ClientStreamPath with another protocol encoder (issue 14)', () => {
  it('hands every chunk, plain ones included, to the encoder with the client model, and ends with the usage', () => {
    const parser = createChatStreamParser({ channel: 'test', receivedAt: 1 });
    const encoder = createRecordingEncoder();
    const path = new ClientStreamPath(
      { clientModel: 'client-model', clientWantsUsage: true, channel: 'test', record: createRequestRecord('req_1', 'client-model', true), estimate: () => ({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }), encoder },
      parser,
    );
    path.push(upstreamBytes([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hi' }), chunk({}, 'stop'), { ...chunk({}), choices: [], usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } }]));
    path.end();
    expect(path.encoder).toBe(encoder);
    expect(path.take()).toBe(
      'chunk client-model {"role":"assistant","content":""}\nchunk client-model {"content":"Hi"}\nchunk client-model {}\nend 7+2\n',
    );
  });

  it('counts only frames the encoder wrote: no commit on a chunk it turns into nothing', () => {
    const encoder: StreamEncoder = { ...createRecordingEncoder(), encodeChunk: () => '' };
    const path = new ClientStreamPath({ clientModel: 'm', clientWantsUsage: false, channel: 'test', record: createRequestRecord('req_2', 'm', true), estimate: () => ({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }), encoder }, createChatStreamParser({ channel: 'test', receivedAt: 1 }));
    path.push(upstreamBytes([chunk({ content: 'x' })]));
    expect(path.frames).toBe(0);
    expect(path.take()).toBe('');
  });
});

describe('ClientStreamPath for a Chat Completions client', () => {
  const estimate = (): Usage => ({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });

  it("passes the finish chunk on as the upstream's text, model spliced, and ends the stream whole", () => {
    const parser = createChatStreamParser({ channel: 'test', receivedAt: 1 });
    // The parser is a class (its methods on the prototype): the spy is set on this instance.
    const accept = vi.spyOn(parser, 'accept');
    const record = createRequestRecord('req_3', 'client-model', true);
    const path = new ClientStreamPath({ clientModel: 'client-model', clientWantsUsage: false, channel: 'test', record, estimate }, parser);
    const finish = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"upstream-model","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}';
    path.push(new TextEncoder().encode(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"upstream-model","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\ndata: ${finish}\n\ndata: [DONE]\n\n`));
    path.end();
    expect(accept).not.toHaveBeenCalled();
    expect(path.take()).toBe(
      `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"client-model","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\ndata: ${finish.replace('upstream-model', 'client-model')}\n\n`,
    );
    expect(record.usageSource).toBe('estimated');
  });

  it('still refuses a stream that ends without a finish reason', () => {
    const path = new ClientStreamPath({ clientModel: 'm', clientWantsUsage: false, channel: 'test', record: createRequestRecord('req_4', 'm', true), estimate }, createChatStreamParser({ channel: 'test', receivedAt: 1 }));
    path.push(upstreamBytes([chunk({ content: 'x' })]));
    expect(() => {
      path.end();
    }).toThrow(/before a finish_reason/);
  });
});
