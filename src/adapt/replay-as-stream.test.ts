import { describe, expect, it } from 'vitest';
import type { ChatCompletion, CompletionChoice } from '../core/chat.ts';
import { collectChunks } from './collect-stream.ts';
import { replayAsStream } from './replay-as-stream.ts';

const usage = { prompt_tokens: 16, completion_tokens: 40, total_tokens: 56 };

function completion(choices: CompletionChoice[], extra: Partial<ChatCompletion> = {}): ChatCompletion {
  return { id: 'chatcmpl-9', object: 'chat.completion', created: 1770933883, model: 'o3-mini', choices, usage, ...extra };
}

const text = completion(
  [
    {
      index: 0,
      message: { role: 'assistant', content: 'Streaming replayed from one answer, in word-sized pieces.' },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
  { system_fingerprint: 'fp_x' },
);

describe('replayAsStream', () => {
  it('starts with a role chunk, sends content in several pieces and ends with a finish chunk', () => {
    const chunks = replayAsStream(text, { includeUsage: false, pieceSize: 10 });
    expect(chunks[0]?.choices).toEqual([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
    const contentDeltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta?.content)).filter((c) => c);
    expect(contentDeltas.length).toBeGreaterThan(3);
    expect(contentDeltas.join('')).toBe(text.choices[0]?.message.content);
    expect(chunks.at(-1)?.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
  });

  it('gives every chunk the same id, created, model, object and system_fingerprint', () => {
    for (const chunk of replayAsStream(text, { includeUsage: true })) {
      expect(chunk).toMatchObject({
        id: 'chatcmpl-9',
        created: 1770933883,
        model: 'o3-mini',
        object: 'chat.completion.chunk',
        system_fingerprint: 'fp_x',
      });
    }
  });

  it('ends with a choices-less usage chunk and null usage elsewhere when usage was asked for', () => {
    const chunks = replayAsStream(text, { includeUsage: true });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage });
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
  });

  it('has no usage key at all when usage was not asked for', () => {
    for (const chunk of replayAsStream(text, { includeUsage: false })) expect(chunk).not.toHaveProperty('usage');
  });

  it('leaves the usage chunk to the caller when the completion has none', () => {
    const withoutUsage: ChatCompletion = { ...text };
    delete withoutUsage.usage;
    const chunks = replayAsStream(withoutUsage, { includeUsage: true });
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
  });

  it('sends a tool call as a head fragment and then its arguments in pieces', () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"location":"San Francisco, CA"}' } };
    const chunks = replayAsStream(
      completion([{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls', logprobs: null }]),
      { includeUsage: false, pieceSize: 8 },
    );
    const fragments = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta?.tool_calls ?? []));
    expect(fragments[0]).toEqual({ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' } });
    expect(fragments.length).toBeGreaterThan(2);
    expect(fragments.slice(1).every((fragment) => Object.keys(fragment).join() === 'index,function')).toBe(true);
  });

  it('passes the choice logprobs on the finish chunk', () => {
    const logprobs = { content: [{ token: 'Hi', logprob: -0.01, bytes: [72, 105], top_logprobs: [] }], refusal: null };
    const chunks = replayAsStream(
      completion([{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop', logprobs }]),
      { includeUsage: false },
    );
    expect(chunks.at(-1)?.choices[0]?.logprobs).toEqual(logprobs);
  });

  it('carries service_tier on the chunks', () => {
    const chunks = replayAsStream(completion(text.choices, { service_tier: 'default' }), { includeUsage: false });
    expect(chunks[0]?.service_tier).toBe('default');
  });
});

describe('collectChunks(replayAsStream(c)) round-trips', () => {
  const cases: Array<[string, ChatCompletion]> = [
    ['plain content', text],
    [
      'reasoning and content',
      completion([
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'The answer is 42. 😀 Done.',
            reasoning_content: 'First I consider the question carefully, then answer.',
          },
          finish_reason: 'stop',
          logprobs: null,
        },
      ]),
    ],
    [
      'reasoning with its reasoning state (issue 14)',
      completion([
        {
          index: 0,
          message: { role: 'assistant', content: 'Yes.', reasoning_content: 'Hmm.', reasoning_state: { family: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }] } },
          finish_reason: 'stop',
          logprobs: null,
        },
      ]),
    ],
    [
      'several parallel tool calls',
      completion([
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'search', arguments: '{"query":"latest news about streaming"}' } },
              { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_c', type: 'function', function: { name: 'now', arguments: '' } },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ]),
    ],
    [
      'a refusal',
      completion([
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: "I'm sorry, I can't help with that request." },
          finish_reason: 'stop',
          logprobs: null,
        },
      ]),
    ],
    [
      'two choices',
      completion([
        {
          index: 0,
          message: { role: 'assistant', content: 'First choice, long enough to be split into pieces.' },
          finish_reason: 'stop',
          logprobs: null,
        },
        { index: 1, message: { role: 'assistant', content: 'Second one.' }, finish_reason: 'length', logprobs: null },
      ]),
    ],
    ['an empty answer', completion([{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'stop', logprobs: null }])],
  ];

  it.each(cases)('for %s', (_name, original) => {
    for (const includeUsage of [true, false]) {
      const collected = collectChunks(replayAsStream(original, { includeUsage, pieceSize: 5 }));
      expect(collected).toEqual(includeUsage ? original : { ...original, usage: undefined });
    }
  });
});
