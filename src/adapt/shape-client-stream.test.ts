import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChunkChoice, JsonObject, Usage } from '../core/chat.ts';
import { ClientStreamShaper } from './shape-client-stream.ts';

const base = { id: 'chatcmpl-7', object: 'chat.completion.chunk', created: 1762317021, model: 'gpt-4o-2024-08-06' } as const;
const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
const estimated: Usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };

function chunk(choices: ChunkChoice[], extra: JsonObject = {}): ChatCompletionChunk {
  return { ...base, choices, ...extra };
}

function text(content: string, extra: JsonObject = {}): ChunkChoice {
  return { index: 0, delta: { content }, finish_reason: null, ...extra };
}

function shaper(clientWantsUsage: boolean) {
  return new ClientStreamShaper({ clientModel: 'gpt-4o', clientWantsUsage });
}

const azurePreamble = { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [] } as unknown as ChatCompletionChunk;

describe('ClientStreamShaper', () => {
  it('sets the model the client asked for on every chunk', () => {
    const [shaped] = shaper(false).shape(chunk([text('Hi')]));
    expect(shaped?.model).toBe('gpt-4o');
  });

  it('does not mutate the upstream chunk', () => {
    const upstream = chunk([text('Hi')], { usage: null });
    const copy = structuredClone(upstream);
    shaper(false).shape(upstream);
    expect(upstream).toEqual(copy);
  });

  it('withholds the Azure prompt-filter preamble', () => {
    expect(shaper(true).shape(azurePreamble)).toEqual([]);
  });

  it('withholds the usage chunk and sends it from finish with the stream id and the client model', () => {
    const stream = shaper(true);
    stream.shape(azurePreamble);
    stream.shape(chunk([text('Hi', { finish_reason: 'stop' })], { usage: null, system_fingerprint: 'fp_1' }));
    expect(stream.shape(chunk([], { usage }))).toEqual([]);
    expect(stream.usage).toEqual(usage);
    expect(stream.usageSource).toBe('upstream');
    expect(stream.finish(() => estimated)).toEqual([
      { id: 'chatcmpl-7', object: 'chat.completion.chunk', created: 1762317021, model: 'gpt-4o', choices: [], usage, system_fingerprint: 'fp_1' },
    ]);
  });

  it('sends usage null on every chunk when the client asked for usage, as OpenAI does', () => {
    const stream = shaper(true);
    expect(stream.shape(chunk([text('a')]))[0]?.usage).toBeNull();
    // DeepSeek puts usage on the finish chunk; the client gets it once, in the final usage chunk.
    const [finishChunk] = stream.shape(chunk([text('', { finish_reason: 'stop' })], { usage }));
    expect(finishChunk?.usage).toBeNull();
    expect(stream.finish(() => estimated)).toMatchObject([{ choices: [], usage }]);
  });

  it('removes the usage key and sends no usage chunk when the client did not ask', () => {
    const stream = shaper(false);
    const [shaped] = stream.shape(chunk([text('a', { finish_reason: 'stop' })], { usage }));
    expect(shaped).not.toHaveProperty('usage');
    expect(stream.shape(chunk([], { usage }))).toEqual([]);
    expect(stream.finish(() => estimated)).toEqual([]);
    expect(stream.usage).toEqual(usage);
  });

  it('sends the estimate when the upstream gave no usage', () => {
    const stream = shaper(true);
    stream.shape(chunk([text('Hello')]));
    stream.shape(chunk([text(' world', { finish_reason: 'stop' })]));
    let seenText = '';
    const sent = stream.finish(() => {
      seenText = stream.text;
      return estimated;
    });
    expect(seenText).toBe('Hello world');
    expect(sent).toMatchObject([{ choices: [], usage: estimated, model: 'gpt-4o', id: 'chatcmpl-7' }]);
    expect(stream.usageSource).toBe('estimated');
  });

  it('resolves usage for the log even when the client did not ask for it', () => {
    const stream = shaper(false);
    stream.shape(chunk([text('x')]));
    expect(stream.finish(() => estimated)).toEqual([]);
    expect(stream.usage).toEqual(estimated);
    expect(stream.usageSource).toBe('estimated');
  });

  it('keeps content and reasoning text seen and whether a finish reason came', () => {
    const stream = shaper(false);
    stream.shape(chunk([{ index: 0, delta: { role: 'assistant', reasoning: 'think ' } }]));
    stream.shape(chunk([text('say')]));
    expect(stream.sawFinishReason).toBe(false);
    stream.shape(chunk([text('', { finish_reason: 'stop' })]));
    expect(stream.text).toBe('think say');
    expect(stream.sawFinishReason).toBe(true);
  });

  it('gives Azure annotation chunks the stream identity and an empty delta', () => {
    const stream = shaper(false);
    stream.shape(chunk([text('a', { finish_reason: 'stop' })]));
    const annotation = {
      choices: [{ content_filter_offsets: {}, content_filter_results: {}, finish_reason: null, index: 0 }],
      created: 0,
      id: '',
      model: '',
      object: '',
    };
    const [shaped] = stream.shape(annotation as unknown as ChatCompletionChunk);
    expect(shaped).toMatchObject({ id: 'chatcmpl-7', created: 1762317021, model: 'gpt-4o', object: 'chat.completion.chunk' });
    expect(shaped?.choices[0]).toEqual({ ...annotation.choices[0], delta: {} });
    expect(annotation.choices[0]).not.toHaveProperty('delta');
  });

  it('passes unknown fields through untouched', () => {
    const [shaped] = shaper(false).shape(chunk([text('a', { content_filter_results: { hate: {} } })], { obfuscation: 'Qup1', service_tier: 'default' }));
    expect(shaped).toMatchObject({ obfuscation: 'Qup1', service_tier: 'default' });
    expect(shaped?.choices[0]?.content_filter_results).toEqual({ hate: {} });
  });

  it('never gives a Chat Completions client a reasoning state, and keeps it for another protocol\'s encoder (issue 14)', () => {
    const withState = chunk([{ index: 0, delta: { content: 'x', reasoning_state: { family: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }] } }, finish_reason: null }]);
    expect(shaper(false).shape(withState)[0]?.choices[0]?.delta).toEqual({ content: 'x' });
    const keeping = new ClientStreamShaper({ clientModel: 'gpt-4o', clientWantsUsage: false, keepReasoningState: true });
    expect(keeping.shape(withState)[0]?.choices[0]?.delta).toEqual({ content: 'x', reasoning_state: { family: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }] } });
  });

});
