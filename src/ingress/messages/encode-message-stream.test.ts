import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk, ChunkDelta } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { encodeMessage } from './encode-message.ts';
import { createMessageStreamEncoder } from './encode-message-stream.ts';

const state = { model: 'claude-client', stopSequences: [], headers: {} };
const context = { requestId: 'req1', createdAt: 1, promptTokens: () => 42 };
const usage = { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 100 } };
const signed = { family: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }] };

function chunk(delta: ChunkDelta, finishReason: string | null = null): ChatCompletionChunk {
  return { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'claude-client', choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

/** The events as [event line, data] pairs; every frame must carry an `event:` line naming its `type`. */
function eventsOf(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      const [eventLine, dataLine, ...rest] = frame.split('\n');
      expect(rest).toEqual([]);
      const data = JSON.parse((dataLine ?? '').replace(/^data: /, '')) as Record<string, unknown>;
      expect(eventLine).toBe(`event: ${String(data.type)}`);
      return data;
    });
}

function encode(chunks: ChatCompletionChunk[]): Array<Record<string, unknown>> {
  const encoder = createMessageStreamEncoder(state, context);
  return eventsOf(chunks.map((one) => encoder.encodeChunk(one)).join('') + encoder.encodeEnd(usage));
}

describe('the Messages stream encoder', () => {
  it('writes message_start first (content [], the estimated input count), then thinking with its signature, text, and the end', () => {
    const events = encode([chunk({ role: 'assistant', content: '' }), chunk({ reasoning_content: 'Hmm.' }), chunk({ reasoning_state: signed }), chunk({ content: 'Hi' }), chunk({ content: '!' }, 'stop')]);
    expect(events).toEqual([
      { type: 'message_start', message: { id: 'msg_req1', type: 'message', role: 'assistant', model: 'claude-client', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 42, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: '!' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 20, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 } },
      { type: 'message_stop' },
    ]);
  });

  it('closes an unsigned thinking block without a signature_delta when text starts', () => {
    const types = encode([chunk({ reasoning_content: 'Hmm.' }), chunk({ content: 'Hi' }, 'stop')]).map((event) => `${String(event.type)}:${JSON.stringify((event.delta as { type?: string } | undefined)?.type ?? '')}`);
    expect(types).toEqual(['message_start:""', 'content_block_start:""', 'content_block_delta:"thinking_delta"', 'content_block_stop:""', 'content_block_start:""', 'content_block_delta:"text_delta"', 'content_block_stop:""', 'message_delta:""', 'message_stop:""']);
  });

  it('opens one tool_use block per call, a name arriving late, arguments as input_json_delta, "{}" when none streamed', () => {
    const events = encode([
      chunk({ content: 'Let me check.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'weather', arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'time', arguments: '' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(events.slice(4)).toEqual([
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_1', name: 'weather', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_2', name: 'time', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: expect.any(Object) },
      { type: 'message_stop' },
    ]);
  });

  it('keeps every argument of interleaved parallel calls: the first call streams, the later ones go out whole when its block closes', () => {
    const events = encode([
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'time', arguments: '{"zone":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 2, id: 'call_3', type: 'function', function: { arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '"UTC"}' } }] }),
      chunk({ tool_calls: [{ index: 2, function: { name: 'date' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call_1', name: 'weather', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_2', name: 'time', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"zone":"UTC"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_3', name: 'date', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: expect.any(Object) },
      { type: 'message_stop' },
    ]);
  });

  it('sends the interleaved calls that waited before a text block that follows them', () => {
    const events = encode([
      chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'a', arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_2', function: { name: 'b', arguments: '{"y":2}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({ content: 'Done.' }, 'stop'),
    ]);
    expect(events.filter((event) => event.type === 'content_block_start').map((event) => event.content_block)).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'a', input: {} },
      { type: 'tool_use', id: 'call_2', name: 'b', input: {} },
      { type: 'text', text: '' },
    ]);
    expect(events.filter((event) => event.type === 'content_block_delta').map((event) => event.delta)).toEqual([
      { type: 'input_json_delta', partial_json: '{"x":' },
      { type: 'input_json_delta', partial_json: '1}' },
      { type: 'input_json_delta', partial_json: '{"y":2}' },
      { type: 'text_delta', text: 'Done.' },
    ]);
  });

  it('gives a tool-only reply no empty text block, and a usage-only chunk makes no frame', () => {
    const encoder = createMessageStreamEncoder(state, context);
    expect(encoder.encodeChunk({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage })).toBe('');
    const events = eventsOf(encoder.encodeChunk(chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{}' } }] }, 'tool_calls')) + encoder.encodeEnd(usage));
    expect(events.filter((event) => event.type === 'content_block_start')).toEqual([{ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call_1', name: 'f', input: {} } }]);
  });

  it('ends a failed stream with event: error and no message_stop; keeps alive with event: ping', () => {
    const encoder = createMessageStreamEncoder(state, context);
    encoder.encodeChunk(chunk({ content: 'Hi' }));
    const failure = eventsOf(encoder.encodeFailure(new GatewayError('upstream_stream_error', 'Overloaded', { upstream: { channel: 'c', status: 529 } }), 'req1'));
    expect(failure).toEqual([{ type: 'error', error: expect.objectContaining({ type: 'overloaded_error', message: 'Overloaded' }), request_id: 'req1' }]);
    expect(eventsOf(encoder.keepalive)).toEqual([{ type: 'ping' }]);
  });

  it('names the stop sequence the streamed text ends with, across chunks, and none for a natural end', () => {
    const encodeWith = (chunks: ChatCompletionChunk[]) => {
      const encoder = createMessageStreamEncoder({ ...state, stopSequences: ['STOP', 'END'] }, context);
      return eventsOf(chunks.map((one) => encoder.encodeChunk(one)).join('') + encoder.encodeEnd(usage)).at(-2);
    };
    expect(encodeWith([chunk({ content: 'Answer: 42 E' }), chunk({ content: 'ND' }, 'stop')])).toMatchObject({ delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' } });
    expect(encodeWith([chunk({ content: 'Answer: 42' }, 'stop')])).toMatchObject({ delta: { stop_reason: 'end_turn', stop_sequence: null } });
    expect(encodeWith([chunk({ content: 'Answer: END' }, 'length')])).toMatchObject({ delta: { stop_reason: 'max_tokens', stop_sequence: null } });
  });

  it('maps length and content_filter to max_tokens and refusal', () => {
    expect(encode([chunk({ content: 'x' }, 'length')]).at(-2)).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    expect(encode([chunk({ content: 'x' }, 'content_filter')]).at(-2)).toMatchObject({ delta: { stop_reason: 'refusal' } });
  });
});

describe('encodeMessage', () => {
  it('answers a Message: signed thinking, text, tool_use with its input parsed, the client model, stop reason and usage', () => {
    const completion: ChatCompletion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-2024',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Checking.', reasoning_content: 'Hmm.', reasoning_state: signed, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] }, finish_reason: 'tool_calls' }],
      usage,
    };
    expect(encodeMessage(completion, state, context)).toEqual({
      id: 'msg_req1',
      type: 'message',
      role: 'assistant',
      model: 'claude-client',
      content: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }, { type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 },
    });
  });
});
