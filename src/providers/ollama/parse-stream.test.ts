import { describe, expect, it } from 'vitest';
import { decodeStreamText } from '../../codec/sse/index.ts';
import type { ChatCompletionChunk } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { streamOf } from '../../lib/stream-of.ts';
import { parseChatStream } from './parse-stream.ts';

async function parse(text: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of parseChatStream(streamOf(decodeStreamText([text])), { channel: 'local' })) chunks.push(chunk);
  return chunks;
}

const created = Math.floor(Date.parse('2023-08-04T08:52:19.385406455-07:00') / 1000);

describe('ollama parseChatStream', () => {
  it('streams NDJSON content, then the finish and the counts of the done line (docs/api.md)', async () => {
    const chunks = await parse(
      [
        '{"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"The","images":null},"done":false}',
        '{"model":"llama3.2","created_at":"2023-08-04T08:52:19.401Z","message":{"role":"assistant","content":" sky"},"done":false}',
        '{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000}',
        '',
      ].join('\n'),
    );
    const identity = { id: `chatcmpl-ollama-${Date.parse('2023-08-04T08:52:19.385406455-07:00')}`, object: 'chat.completion.chunk', created, model: 'llama3.2' };
    expect(chunks).toEqual([
      { ...identity, choices: [{ index: 0, delta: { role: 'assistant', content: 'The' }, finish_reason: null }] },
      { ...identity, choices: [{ index: 0, delta: { content: ' sky' }, finish_reason: null }] },
      { ...identity, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      { ...identity, choices: [], usage: { prompt_tokens: 26, completion_tokens: 282, total_tokens: 308 } },
    ]);
  });

  it('turns thinking into reasoning_content and object arguments into a JSON string', async () => {
    const chunks = await parse(
      [
        '{"model":"qwen3","created_at":"2025-05-29T09:35:56.836222Z","message":{"role":"assistant","content":"","thinking":"I need the tool."},"done":false}',
        '{"model":"qwen3","created_at":"2025-05-29T09:35:57.1Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"index":0,"name":"get_temperature","arguments":{"city":"New York"}}}]},"done":false}',
        '{"model":"qwen3","created_at":"2025-05-29T09:35:57.2Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"prompt_eval_count":10,"eval_count":5}',
      ].join('\n'),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', reasoning_content: 'I need the tool.' },
      { tool_calls: [{ index: 0, id: 'call_0', type: 'function', function: { name: 'get_temperature', arguments: '{"city":"New York"}' } }] },
      {},
      undefined,
    ]);
    expect(chunks[2]?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('fails with the upstream words on a mid-stream error line (docs/api/errors.mdx)', async () => {
    const text = '{"model":"gemma4","created_at":"2025-10-26T17:21:21.196249Z","message":{"role":"assistant","content":" Yes"},"done":false}\n{"error":"an error was encountered while running the model"}\n';
    const chunks: ChatCompletionChunk[] = [];
    const failure = await (async () => {
      try {
        for await (const chunk of parseChatStream(streamOf(decodeStreamText([text])), { channel: 'local' })) chunks.push(chunk);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(chunks).toHaveLength(1);
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).message).toBe('local reported an error in its stream: an error was encountered while running the model');
  });
});
