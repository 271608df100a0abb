import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChunkChoice, JsonObject } from '../core/chat.ts';
import { CompletionCollector, collectChunks } from './collect-stream.ts';

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1750097777, model: 'gpt-4o' } as const;

function chunk(choices: ChunkChoice[], extra: JsonObject = {}): ChatCompletionChunk {
  return { ...base, choices, ...extra };
}

function delta(value: JsonObject, extra: JsonObject = {}): ChunkChoice {
  return { index: 0, delta: value, logprobs: null, finish_reason: null, ...extra };
}

const usage = { prompt_tokens: 16, completion_tokens: 3, total_tokens: 19 };

describe('collectChunks', () => {
  it('folds an OpenAI text stream with a usage chunk into one completion', () => {
    const completion = collectChunks([
      chunk([delta({ role: 'assistant', content: '', refusal: null })], { usage: null, service_tier: 'default', system_fingerprint: 'fp_1' }),
      chunk([delta({ content: 'Hello' })], { usage: null }),
      chunk([delta({ content: ', world' })], { usage: null }),
      chunk([delta({}, { finish_reason: 'stop' })], { usage: null }),
      chunk([], { usage }),
    ]);
    expect(completion).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1750097777,
      model: 'gpt-4o',
      system_fingerprint: 'fp_1',
      service_tier: 'default',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello, world' }, finish_reason: 'stop', logprobs: null }],
      usage,
    });
  });

  it('takes id, created and model past an Azure prompt-filter preamble and ignores choices without delta', () => {
    const completion = collectChunks([
      { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [] } as unknown as ChatCompletionChunk,
      chunk([delta({ content: '', refusal: null, role: 'assistant' }, { content_filter_results: {} })], { model: 'gpt-5-nano' }),
      chunk([delta({ content: 'Hi' })]),
      chunk([delta({}, { finish_reason: 'stop' })]),
      {
        choices: [{ content_filter_offsets: {}, content_filter_results: {}, finish_reason: null, index: 0 }],
        created: 0,
        id: '',
        model: '',
        object: '',
      } as unknown as ChatCompletionChunk,
    ]);
    expect(completion.id).toBe('chatcmpl-1');
    expect(completion.model).toBe('gpt-5-nano');
    expect(completion.created).toBe(1750097777);
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop', logprobs: null },
    ]);
  });

  it('keeps an empty id when every chunk has one, as TGI sends', () => {
    const completion = collectChunks([
      chunk([delta({ role: 'assistant', content: 'ok', tool_calls: null })], { id: '' }),
      chunk([delta({ role: 'assistant', content: '' }, { finish_reason: 'stop' })], { id: '' }),
    ]);
    expect(completion.id).toBe('');
    expect(completion.choices[0]?.message.content).toBe('ok');
  });

  it('collects DashScope reasoning_content while content is null', () => {
    const completion = collectChunks([
      chunk([delta({ content: null, role: 'assistant', reasoning_content: '' })], { usage: null }),
      chunk([delta({ content: null, reasoning_content: 'Let me ' })], { usage: null }),
      chunk([delta({ content: null, reasoning_content: 'think.' })], { usage: null }),
      chunk([delta({ content: 'Answer', reasoning_content: null })], { usage: null }),
      chunk([delta({ content: '', reasoning_content: null }, { finish_reason: 'stop' })], { usage: null }),
      chunk([], { usage }),
    ]);
    expect(completion.choices[0]?.message).toEqual({ role: 'assistant', content: 'Answer', reasoning_content: 'Let me think.' });
    expect(completion.usage).toEqual(usage);
  });

  it('reads reasoning from the `reasoning` field as vLLM and Ollama send it', () => {
    const completion = collectChunks([
      chunk([delta({ role: 'assistant', reasoning: 'Hmm' })]),
      chunk([delta({ content: 'Yes' }, { finish_reason: 'stop' })]),
    ]);
    expect(completion.choices[0]?.message.reasoning_content).toBe('Hmm');
  });

  it('assembles parallel tool call fragments by index with content null', () => {
    const completion = collectChunks([
      chunk([delta({ role: 'assistant', content: null })]),
      chunk([delta({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'search', arguments: '' } }] })]),
      chunk([delta({ tool_calls: [{ index: 0, function: { arguments: '{"qu' } }] })]),
      chunk([delta({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'weather', arguments: '' } }] })]),
      chunk([delta({ tool_calls: [{ index: 0, function: { arguments: 'ery":1}' } }] })]),
      chunk([delta({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] })]),
      chunk([delta({}, { finish_reason: 'tool_calls' })]),
    ]);
    expect(completion.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'search', arguments: '{"query":1}' } },
        { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{}' } },
      ],
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('takes a whole tool call from one chunk as xAI sends it, with usage on a later chunk', () => {
    const completion = collectChunks([
      chunk([{ index: 0, delta: { reasoning_content: 'First', role: 'assistant' } }]),
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [{ id: 'call_5', function: { name: 'weather', arguments: '{"location":"SF"}' }, index: 0, type: 'function' }],
          },
        },
      ]),
      chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]),
      chunk([], { usage: { prompt_tokens: 291, completion_tokens: 26, total_tokens: 513 } }),
    ]);
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_5', type: 'function', function: { name: 'weather', arguments: '{"location":"SF"}' } },
    ]);
    expect(completion.choices[0]?.message.reasoning_content).toBe('First');
    expect(completion.usage?.total_tokens).toBe(513);
  });

  it('accepts tool indexes starting at 1, a missing type, and a name that arrives later', () => {
    const completion = collectChunks([
      chunk([delta({ tool_calls: [{ index: 1, id: 'toolu_1', function: { arguments: '' } }] })]),
      chunk([delta({ tool_calls: [{ index: 1, function: { name: 'lookup', arguments: '{"a"' } }] })]),
      chunk([delta({ tool_calls: [{ index: 1, function: { arguments: ':2}' } }] })]),
      chunk([delta({}, { finish_reason: 'tool_calls' })]),
    ]);
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"a":2}' } },
    ]);
  });

  it('keeps unknown tool call fields such as a Gemini thought signature', () => {
    const signature = { google: { thought_signature: 'sig' } };
    const completion = collectChunks([
      chunk([delta({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: signature }] })]),
    ]);
    expect(completion.choices[0]?.message.tool_calls?.[0]?.extra_content).toEqual(signature);
  });

  it('takes usage from the finish chunk as DeepSeek sends it', () => {
    const deepSeekUsage = { ...usage, prompt_cache_hit_tokens: 320 };
    const completion = collectChunks([
      chunk([delta({ role: 'assistant', content: 'x' })], { usage: null }),
      chunk([delta({ content: '', reasoning_content: null }, { finish_reason: 'stop' })], { usage: deepSeekUsage }),
    ]);
    expect(completion.usage).toEqual(deepSeekUsage);
  });

  it('lets the last usage win when an upstream sends usage on every chunk', () => {
    const completion = collectChunks([
      chunk([delta({ content: 'a' })], { usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } }),
      chunk([delta({ content: 'b' }, { finish_reason: 'stop' })], { usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }),
      chunk([], { usage: null }),
    ]);
    expect(completion.usage?.completion_tokens).toBe(2);
  });

  it('omits usage when none came', () => {
    expect(collectChunks([chunk([delta({ content: 'a' }, { finish_reason: 'stop' })])])).not.toHaveProperty('usage');
  });

  it('keeps several choices apart and sorts them by index', () => {
    const completion = collectChunks([
      chunk([{ index: 1, delta: { role: 'assistant', content: 'B' } }]),
      chunk([{ index: 0, delta: { role: 'assistant', content: 'A' } }]),
      chunk([{ index: 1, delta: { content: '2' }, finish_reason: 'length' }]),
      chunk([{ index: 0, delta: { content: '1' }, finish_reason: 'stop' }]),
    ]);
    expect(completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, 'A1', 'stop'],
      [1, 'B2', 'length'],
    ]);
  });

  it('concatenates refusal text and leaves content null', () => {
    const completion = collectChunks([
      chunk([delta({ role: 'assistant', content: '', refusal: null })]),
      chunk([delta({ refusal: "I can't " })]),
      chunk([delta({ refusal: 'help.' }, { finish_reason: 'stop' })]),
    ]);
    expect(completion.choices[0]?.message).toEqual({ role: 'assistant', content: null, refusal: "I can't help." });
  });

  it('keeps the last non-null finish reason', () => {
    const completion = collectChunks([
      chunk([delta({ content: 'a' }, { finish_reason: 'length' })]),
      chunk([delta({}, { finish_reason: null })]),
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  it('concatenates logprobs content and refusal arrays across chunks', () => {
    const token = (text: string) => ({ token: text, logprob: -0.1, bytes: [1], top_logprobs: [] });
    const completion = collectChunks([
      chunk([delta({ content: 'a' }, { logprobs: { content: [token('a')], refusal: null } })]),
      chunk([delta({ content: 'b' }, { logprobs: { content: [token('b')], refusal: null } })]),
      chunk([delta({}, { finish_reason: 'stop', logprobs: null })]),
    ]);
    expect(completion.choices[0]?.logprobs).toEqual({ content: [token('a'), token('b')], refusal: null });
  });

  it('keeps an empty answer as an empty string', () => {
    const completion = collectChunks([chunk([delta({ role: 'assistant', content: '' }, { finish_reason: 'stop' })])]);
    expect(completion.choices[0]?.message.content).toBe('');
  });

  it('gives an empty completion for an empty stream', () => {
    expect(collectChunks([])).toEqual({ id: '', object: 'chat.completion', created: 0, model: '', choices: [] });
  });

  it('keeps the reasoning states of a stream on the message, blocks in order (issue 14)', () => {
    const redacted = { type: 'redacted_thinking', data: 'EmwK' };
    const completion = collectChunks([
      chunk([delta({ role: 'assistant', reasoning_content: 'Hmm.' })]),
      chunk([delta({ reasoning_state: { family: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }] } })]),
      chunk([delta({ reasoning_state: { family: 'anthropic', blocks: [redacted] } })]),
      chunk([delta({ content: 'Yes.' }, { finish_reason: 'stop' })]),
    ]);
    expect(completion.choices[0]?.message.reasoning_state).toEqual({ family: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }, redacted] });
  });

});

describe('CompletionCollector', () => {
  it('exposes the generated text so far for token estimation', () => {
    const collector = new CompletionCollector();
    collector.add(chunk([delta({ role: 'assistant', reasoning_content: 'think ' })]));
    collector.add(chunk([delta({ content: 'say' })]));
    expect(collector.text).toBe('think say');
    collector.add(chunk([delta({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] })]));
    expect(collector.text).toBe('think sayf{}');
  });

  it('gives a result at any point without disturbing later chunks', () => {
    const collector = new CompletionCollector();
    collector.add(chunk([delta({ content: 'a' })]));
    expect(collector.result().choices[0]?.message.content).toBe('a');
    collector.add(chunk([delta({ content: 'b' }, { finish_reason: 'stop' })]));
    expect(collector.result().choices[0]?.message.content).toBe('ab');
  });
});
