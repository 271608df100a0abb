import { describe, expect, it } from 'vitest';
import { decodeStreamText } from '../../codec/sse/index.ts';
import type { ChatCompletionChunk } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { streamOf } from '../../lib/stream-of.ts';
import { parseChatStream } from './parse-stream.ts';

/** Fixture lines (one JSON event each, vercel/ai packages/anthropic/src/__fixtures__) framed as Anthropic sends them. */
function sse(events: readonly object[]): string {
  return events.map((event) => `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`).join('');
}

async function parse(text: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of parseChatStream(streamOf(decodeStreamText([text])), { channel: 'claude' })) chunks.push(chunk);
  return chunks;
}

async function failure(text: string): Promise<GatewayError> {
  try {
    await parse(text);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the stream to fail');
}

const messageStart = {
  type: 'message_start',
  message: { model: 'claude-sonnet-4-5-20250929', id: 'msg_01QC', type: 'message', role: 'assistant', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } },
};
const stop = (reason: string, outputTokens: number) => [
  { type: 'message_delta', delta: { stop_reason: reason, stop_sequence: null }, usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokens } },
  { type: 'message_stop' },
];
const identity = { id: 'msg_01QC', object: 'chat.completion.chunk', created: 0, model: 'claude-sonnet-4-5-20250929' };

describe('anthropic parseChatStream', () => {
  it('turns text deltas into content chunks, then one finish chunk and one usage chunk (anthropic-text fixture)', async () => {
    const chunks = await parse(
      sse([
        messageStart,
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'ping' },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '! I' } },
        { type: 'content_block_stop', index: 0 },
        ...stop('end_turn', 30),
      ]),
    );
    expect(chunks).toEqual([
      { ...identity, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }] },
      { ...identity, choices: [{ index: 0, delta: { content: '! I' }, finish_reason: null }] },
      { ...identity, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      { ...identity, choices: [], usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, prompt_tokens_details: { cached_tokens: 0 } } },
    ]);
  });

  it('streams a tool_use block as one tool call with its input_json_delta pieces (anthropic-json-tool fixture)', async () => {
    const chunks = await parse(
      sse([
        messageStart,
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_01KF', name: 'json', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"elements": [1]' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '}' } },
        { type: 'content_block_stop', index: 0 },
        ...stop('tool_use', 47),
      ]),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.tool_calls)).toEqual([
      [{ index: 0, id: 'toolu_01KF', type: 'function', function: { name: 'json', arguments: '' } }],
      [{ index: 0, function: { arguments: '{"elements": [1]' } }],
      [{ index: 0, function: { arguments: '}' } }],
      undefined,
      undefined,
    ]);
    expect(chunks[3]?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('gives a tool without arguments `{}` (anthropic-tool-no-args fixture)', async () => {
    const chunks = await parse(
      sse([
        messageStart,
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking.' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} } },
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
        { type: 'content_block_stop', index: 1 },
        ...stop('tool_use', 20),
      ]),
    );
    expect(chunks[2]?.choices[0]?.delta?.tool_calls).toEqual([{ index: 0, function: { arguments: '{}' } }]);
  });

  it('turns thinking deltas into reasoning_content and gives the block back whole, signed, at its stop (anthropic-clear-thinking fixture)', async () => {
    const chunks = await parse(
      sse([
        messageStart,
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: '925 ÷ 5' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EvQBCkYICxgC' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: '= 185' } },
        { type: 'content_block_stop', index: 1 },
        ...stop('end_turn', 53),
      ]),
    );
    expect(chunks.slice(0, 3).map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', reasoning_content: '925 ÷ 5' },
      { reasoning_state: { family: 'anthropic', blocks: [{ type: 'thinking', thinking: '925 ÷ 5', signature: 'EvQBCkYICxgC' }] } },
      { content: '= 185' },
    ]);
  });

  it('gives redacted thinking back as a reasoning state of family anthropic', async () => {
    const chunks = await parse(
      sse([messageStart, { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgBEgy3' } }, { type: 'content_block_stop', index: 0 }, ...stop('end_turn', 3)]),
    );
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', reasoning_state: { family: 'anthropic', blocks: [{ type: 'redacted_thinking', data: 'EmwKAhgBEgy3' }] } });
  });

  it('maps stop reasons to finish reasons', async () => {
    const finishOf = async (reason: string) => (await parse(sse([messageStart, ...stop(reason, 1)])))[0]?.choices[0]?.finish_reason;
    expect([await finishOf('max_tokens'), await finishOf('stop_sequence'), await finishOf('refusal')]).toEqual(['length', 'stop', 'content_filter']);
  });

  it('counts cache reads and writes into prompt_tokens, the reads as cached_tokens, the writes as cache_creation_input_tokens', async () => {
    const start = { ...messageStart, message: { ...messageStart.message, usage: { input_tokens: 5, cache_creation_input_tokens: 100, cache_read_input_tokens: 900, output_tokens: 1 } } };
    const chunks = await parse(sse([start, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }, { type: 'message_stop' }]));
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 1005, completion_tokens: 9, total_tokens: 1014, prompt_tokens_details: { cached_tokens: 900 }, cache_creation_input_tokens: 100 });
  });

  it('keeps the input count of message_start when message_delta sends it as null', async () => {
    const chunks = await parse(sse([messageStart, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { input_tokens: null, output_tokens: 7 } }, { type: 'message_stop' }]));
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 7 });
  });

  it('fails with retryable upstream_error when the stream starts with an overloaded error', async () => {
    const error = await failure('event: error\ndata: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}\n\n');
    expect([error.code, error.retryable, error.message]).toEqual(['upstream_error', true, 'claude reported an error in its stream: Overloaded (overloaded_error)']);
  });

  it("fails with Anthropic's words on an error event after output", async () => {
    const text =
      sse([messageStart, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }]) +
      'event: error\ndata: {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long"}}\n\n';
    const error = await failure(text);
    expect([error.code, error.message]).toEqual(['upstream_stream_error', 'claude reported an error in its stream: prompt is too long (invalid_request_error)']);
  });

  it('sends no finish chunk when the stream ends before message_delta, so the relay reports the truncation', async () => {
    const chunks = await parse(sse([messageStart, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Hi' } }]));
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([null]);
  });
});
