import { describe, expect, it } from 'vitest';
import { decodeStreamText } from '../../codec/sse/index.ts';
import type { ChatCompletionChunk } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { streamOf } from '../../lib/stream-of.ts';
import { parseChatStream } from './parse-stream.ts';

async function parse(text: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of parseChatStream(streamOf(decodeStreamText([text])), { channel: 'up' })) chunks.push(chunk);
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

describe('openai parseChatStream', () => {
  it('passes chunks through with their unknown fields', async () => {
    const chunks = await parse('data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","obfuscation":"x","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\ndata: [DONE]\n\n');
    expect(chunks).toEqual([
      { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', obfuscation: 'x', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] },
    ]);
  });

  it("copies vLLM's `reasoning` into `reasoning_content`", async () => {
    const [chunk] = await parse('data: {"id":"c","created":1,"model":"m","choices":[{"index":0,"delta":{"reasoning":"think"}}]}\n\n');
    expect(chunk?.choices[0]?.delta).toEqual({ reasoning: 'think', reasoning_content: 'think' });
  });

  it("keeps Azure's annotation choices without a delta", async () => {
    const [chunk] = await parse('data: {"choices":[{"content_filter_offsets":{},"content_filter_results":{},"finish_reason":null,"index":0}],"created":0,"id":"","model":"","object":""}\n\n');
    expect(chunk?.choices[0]).not.toHaveProperty('delta');
    expect(chunk?.object).toBe('chat.completion.chunk');
  });

  it('turns a JSON completion answered to a stream request into one chunk', async () => {
    const body = '{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}';
    const [chunk] = await parse(body);
    expect(chunk?.object).toBe('chat.completion.chunk');
    expect(chunk?.choices[0]).toEqual({
      index: 0,
      finish_reason: 'stop',
      delta: { role: 'assistant', content: 'Hello', tool_calls: [{ index: 0, id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    });
    expect(chunk?.usage).toEqual({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });
  });

  it('fails with the upstream words on a mid-stream error event', async () => {
    const error = await failure('data: {"id":"c","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hello"}}]}\n\ndata: {"error":{"message":"stream failed after output","type":"server_error","param":null,"code":null}}\n\ndata: [DONE]\n\n');
    expect(error.code).toBe('upstream_stream_error');
    expect(error.message).toContain('stream failed after output');
  });

  it("reads TGI's error event with an http_status_code", async () => {
    const error = await failure('data:{"error":{"message":"Input validation error","http_status_code":422}}\n\ndata:[DONE]\n\n');
    expect(error.message).toContain('Input validation error');
  });

  it('fails on an unparsable stream part rather than dropping it', async () => {
    const error = await failure('data: {unparsable}\n\n');
    expect(error.code).toBe('upstream_bad_response');
  });
});
