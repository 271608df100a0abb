import { describe, expect, it } from 'vitest';
import { defaultCapabilities, resolveCapabilities } from './resolve-capabilities.ts';

describe('resolveCapabilities', () => {
  it('gives the defaults when no source knows the model', () => {
    expect(resolveCapabilities('gpt-4o', [{}, { 'o3-*': { stream: 'unsupported' } }])).toEqual(defaultCapabilities);
  });

  it('lets the operator config win over what was learned', () => {
    const config = { 'grok-2-1212': { streamOptions: true } };
    const learned = { 'grok-2-1212': { streamOptions: false, stream: 'required' as const } };
    expect(resolveCapabilities('grok-2-1212', [config, learned])).toEqual({ stream: 'required', streamOptions: true, dropFields: [] });
  });

  it('takes each field from the first source that defines it', () => {
    const config = { 'qwq-plus': { stream: 'required' as const } };
    const learned = { 'qwq-plus': { streamOptions: false } };
    expect(resolveCapabilities('qwq-plus', [config, learned])).toEqual({ stream: 'required', streamOptions: false, dropFields: [] });
  });

  it('prefers an exact key over a glob, and a longer glob over a shorter one', () => {
    const source = {
      '*': { stream: 'supported' as const },
      'qwq-*': { stream: 'required' as const },
      'qwq-plus-*': { stream: 'unsupported' as const },
      'qwq-plus-latest': { stream: 'supported' as const },
    };
    expect(resolveCapabilities('qwq-32b', [source]).stream).toBe('required');
    expect(resolveCapabilities('qwq-plus-0305', [source]).stream).toBe('unsupported');
    expect(resolveCapabilities('qwq-plus-latest', [source]).stream).toBe('supported');
  });

  it('lets a field the most specific key leaves unset fall through to a wider glob of the same source', () => {
    const source = { '*': { streamOptions: false }, 'qwq-*': { stream: 'required' as const } };
    expect(resolveCapabilities('qwq-plus', [source])).toEqual({ stream: 'required', streamOptions: false, dropFields: [] });
  });

  it('uses the defaults passed in', () => {
    expect(resolveCapabilities('m', [], { stream: 'unsupported', streamOptions: false, dropFields: [] })).toEqual({ stream: 'unsupported', streamOptions: false, dropFields: [] });
  });

  it('adds up the fields to leave out across sources and keys', () => {
    const config = { '*': { dropFields: ['store'] } };
    const learned = { 'm-1': { dropFields: ['metadata', 'store'] } };
    expect(resolveCapabilities('m-1', [config, learned]).dropFields).toEqual(['store', 'metadata']);
  });

  it("starts from the defaults' fields to leave out, in a list of the resolution's own", () => {
    const defaults = { stream: 'supported' as const, streamOptions: true, dropFields: ['user'] };
    const alone = resolveCapabilities('m-1', [{}, {}], defaults);
    expect(alone.dropFields).toEqual(['user']);
    expect(alone.dropFields).not.toBe(defaults.dropFields);
    expect(resolveCapabilities('m-1', [{ 'm-*': { dropFields: ['store'] } }, { 'm-1': { dropFields: [] } }], defaults).dropFields).toEqual(['user', 'store']);
  });
});
