import { describe, expect, it } from 'vitest';
import { fromStoredCapabilities, LearnedCapabilities, maxLearnedModelsPerChannel, toStoredCapabilities } from './learned-capabilities.ts';
import { learnFromRejection } from './learn-from-rejection.ts';

describe('learnFromRejection', () => {
  it('learns only what would change the next call', () => {
    expect(learnFromRejection({ kind: 'stream-required' }, { body: {}, upstreamStream: false })).toEqual({ stream: 'required' });
    expect(learnFromRejection({ kind: 'stream-required' }, { body: {}, upstreamStream: true })).toBeUndefined();
    expect(learnFromRejection({ kind: 'stream-unsupported' }, { body: {}, upstreamStream: true })).toEqual({ stream: 'unsupported' });
    expect(learnFromRejection({ kind: 'stream-unsupported' }, { body: {}, upstreamStream: false })).toBeUndefined();
    expect(learnFromRejection({ kind: 'stream-options-unsupported' }, { body: { stream_options: {} }, upstreamStream: true })).toEqual({ streamOptions: false });
    expect(learnFromRejection({ kind: 'stream-options-unsupported' }, { body: {}, upstreamStream: true })).toBeUndefined();
    expect(learnFromRejection({ kind: 'field-unsupported', field: 'store' }, { body: { store: true }, upstreamStream: false })).toEqual({ dropFields: ['store'] });
  });
});

describe('LearnedCapabilities', () => {
  it('keeps at most maxLearnedModelsPerChannel models per channel, forgetting the least recently learned', () => {
    const learned = new LearnedCapabilities(() => 0);
    learned.learn('glob', 'kept', { streamOptions: false }, 'x', 1000);
    for (let i = 0; i < maxLearnedModelsPerChannel + 50; i += 1) {
      learned.learn('glob', `random-${String(i)}`, { streamOptions: false }, 'x', 1000);
      if (i === 10) learned.learn('glob', 'kept', { streamOptions: false }, 'x', 1000);
    }
    const models = Object.keys(learned.hintsFor('glob'));
    expect(models).toHaveLength(maxLearnedModelsPerChannel);
    expect(models).not.toContain('random-0');
    expect(models).not.toContain('kept');
    expect(models).toContain(`random-${String(maxLearnedModelsPerChannel + 49)}`);
  });

  it('remembers hints per channel and model with the evidence, and tells the store', () => {
    let now = 100;
    const stored: unknown[] = [];
    const learned = new LearnedCapabilities(() => now);
    learned.onLearn((entry) => stored.push(entry));
    learned.learn('xai', 'grok-2-1212', { streamOptions: false }, 'Argument not supported: stream_options', 1000);
    learned.learn('xai', 'grok-2-1212', { dropFields: ['store'] }, "Unknown parameter: 'store'", 1000);
    expect(learned.hintsFor('xai')).toEqual({ 'grok-2-1212': { streamOptions: false, dropFields: ['store'] } });
    expect(learned.hintsFor('other')).toEqual({});
    expect(stored).toHaveLength(2);
    now = 1100;
    expect(learned.hintsFor('xai')).toEqual({});
  });

  it('restores what a store kept, and forgets on request', () => {
    const learned = new LearnedCapabilities(() => 0);
    learned.load([{ channel: 'c', model: 'm', hints: { stream: 'required' }, evidence: 'x', learnedAt: 0, recheckAt: 10 }]);
    expect(learned.hintsFor('c')).toEqual({ m: { stream: 'required' } });
    expect(learned.forget('c', 'm')).toBe(true);
    expect(learned.list()).toEqual([]);
  });
});

describe('stored capabilities', () => {
  it('round-trips through one row per capability', () => {
    const entry = { channel: 'c', model: 'm', hints: { stream: 'required' as const, streamOptions: false, dropFields: ['store'] }, evidence: 'words', learnedAt: 1, recheckAt: 100 };
    const rows = toStoredCapabilities(entry);
    expect(rows.map((row) => [row.capability, row.value])).toEqual([['stream', 'required'], ['stream_options', false], ['drop_fields', ['store']]]);
    expect(fromStoredCapabilities(rows, Number.MAX_SAFE_INTEGER)).toEqual([entry]);
  });

  it('keeps what an upstream said about its /completions endpoint across a restart', () => {
    const entry = { channel: 'c', model: 'm', hints: { completions: 'unsupported' as const }, evidence: '404 Not Found', learnedAt: 1, recheckAt: 100 };
    const rows = toStoredCapabilities(entry);
    expect(rows.map((row) => [row.capability, row.value])).toEqual([['completions', 'unsupported']]);
    expect(fromStoredCapabilities(rows, Number.MAX_SAFE_INTEGER)).toEqual([entry]);
  });

  it("keeps that a rerank upstream reads `texts` (TEI) across a restart", () => {
    const entry = { channel: 'tei', model: 'bge-reranker-large', hints: { rerankTexts: true }, evidence: 'missing field `texts`', learnedAt: 1, recheckAt: 100 };
    const rows = toStoredCapabilities(entry);
    expect(rows.map((row) => [row.capability, row.value])).toEqual([['rerank_texts', true]]);
    expect(fromStoredCapabilities(rows, Number.MAX_SAFE_INTEGER)).toEqual([entry]);
  });

  it('skips rows it does not understand', () => {
    const row = { channel: 'c', model: 'm', capability: 'probe', value: true, evidence: 'x', learnedAt: 1, recheckAt: undefined };
    expect(fromStoredCapabilities([row], 5)).toEqual([]);
  });
});
