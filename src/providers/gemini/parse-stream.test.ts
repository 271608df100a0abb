import { describe, expect, it } from 'vitest';
import { decodeStreamText } from '../../codec/sse/index.ts';
import type { ChatCompletionChunk } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { streamOf } from '../../lib/stream-of.ts';
import { parseChatStream } from './parse-stream.ts';

/** Gemini frames end in CRLF CRLF (docs/wire-formats.md 2.9). */
function sse(events: readonly object[]): string {
  return events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join('');
}

async function parse(text: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of parseChatStream(streamOf(decodeStreamText([text])), { channel: 'gem' })) chunks.push(chunk);
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

const usage = (candidates: number) => ({ promptTokenCount: 9, candidatesTokenCount: candidates, totalTokenCount: 194 + candidates, thoughtsTokenCount: 185 });
const tail = { modelVersion: 'gemini-3-pro-preview', responseId: 'bH6LaZW8' };
const identity = { id: 'bH6LaZW8', object: 'chat.completion.chunk', created: 0, model: 'gemini-3-pro-preview' };

describe('gemini parseChatStream', () => {
  it('streams text, a finish chunk and one usage chunk from the last cumulative usageMetadata (google-text fixture)', async () => {
    const chunks = await parse(
      sse([
        { candidates: [{ content: { parts: [{ text: 'There are **3**' }], role: 'model' }, index: 0 }], usageMetadata: usage(5), ...tail },
        { candidates: [{ content: { parts: [{ text: ' "r"s in strawberry.' }], role: 'model' }, index: 0 }], usageMetadata: usage(23), ...tail },
        { candidates: [{ content: { parts: [{ text: '', thoughtSignature: 'EqsF' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: usage(23), ...tail },
      ]),
    );
    expect(chunks).toEqual([
      { ...identity, choices: [{ index: 0, delta: { role: 'assistant', content: 'There are **3**' }, finish_reason: null }] },
      { ...identity, choices: [{ index: 0, delta: { content: ' "r"s in strawberry.' }, finish_reason: null }] },
      { ...identity, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      {
        ...identity,
        choices: [],
        usage: { prompt_tokens: 9, completion_tokens: 208, total_tokens: 217, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 185 } },
      },
    ]);
  });

  it('gives function calls stable ids, their thought signature, and finish_reason tool_calls (google-tool-call fixture)', async () => {
    const chunks = await parse(
      sse([
        { candidates: [{ content: { parts: [{ functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: 'EqUCCqIC' }], role: 'model' }, index: 0 }], usageMetadata: usage(15), ...tail },
        { candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: usage(15), ...tail },
      ]),
    );
    expect(chunks[0]?.choices[0]?.delta).toEqual({
      role: 'assistant',
      tool_calls: [{ index: 0, id: 'call_0', type: 'function', function: { name: 'weather', arguments: '{"location":"San Francisco"}' }, extra_content: { google: { thought_signature: 'EqUCCqIC' } } }],
    });
    expect(chunks[1]?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('turns thought parts into reasoning_content', async () => {
    const chunks = await parse(sse([{ candidates: [{ content: { parts: [{ text: 'Counting r…', thought: true }, { text: 'Three.' }] }, finishReason: 'STOP', index: 0 }], ...tail }]));
    expect(chunks[0]?.choices[0]).toEqual({ index: 0, delta: { role: 'assistant', reasoning_content: 'Counting r…', content: 'Three.' }, finish_reason: 'stop' });
  });

  it('maps safety and length finish reasons', async () => {
    const finishOf = async (reason: string) => (await parse(sse([{ candidates: [{ finishReason: reason, index: 0 }], ...tail }])))[0]?.choices[0]?.finish_reason;
    expect([await finishOf('MAX_TOKENS'), await finishOf('SAFETY'), await finishOf('MALFORMED_FUNCTION_CALL')]).toEqual(['length', 'content_filter', 'malformed_function_call']);
  });

  it('refuses a blocked prompt with its block reason (issue-19758-prompt-block fixture)', async () => {
    const error = await failure(sse([{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 }, modelVersion: 'gemini-3.7-flash', responseId: 'EXCP' }]));
    expect([error.code, error.status, error.message]).toEqual(['upstream_rejected', 400, 'gem blocked the prompt (PROHIBITED_CONTENT)']);
  });

  it('fails on an error event inside the stream', async () => {
    const error = await failure(sse([{ candidates: [{ content: { parts: [{ text: 'Hi' }] }, index: 0 }], ...tail }, { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } }]));
    expect(error.message).toBe('gem reported an error in its stream: Internal error encountered. (INTERNAL)');
  });

  it('reads the JSON array Gemini streams without alt=sse', async () => {
    const chunks = await parse(`[{"candidates":[{"content":{"parts":[{"text":"Hi"}]},"finishReason":"STOP","index":0}]}\n,\r\n{"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2}}]`);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? chunk.usage?.total_tokens)).toEqual(['Hi', 2]);
  });
});
