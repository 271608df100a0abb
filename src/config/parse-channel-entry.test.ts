import { describe, expect, it } from 'vitest';
import { defaultBreakerPolicy, defaultUpstreamLimits, defaultRetryPolicy, defaultTimeoutPolicy } from './defaults.ts';
import { parseChannelEntry, type ChannelEntryOptions } from './parse-channel-entry.ts';
import { problemsThrownBy } from './__fixtures__/problems-thrown-by.ts';

const options: ChannelEntryOptions = {
  policies: { retry: { ...defaultRetryPolicy, attempts: 7 }, timeouts: defaultTimeoutPolicy, breaker: defaultBreakerPolicy, upstreamLimits: defaultUpstreamLimits },
  channelTypes: ['openai', 'azure'],
  typesNeedingBaseUrl: ['azure'],
};

function problemsOf(entry: unknown): readonly string[] {
  return problemsThrownBy(() => parseChannelEntry(entry, options));
}

describe('parseChannelEntry', () => {
  it('resolves one entry with the top-level policies, its own settings winning field by field', () => {
    const channel = parseChannelEntry({ name: 'a', type: 'openai', api_key: 'k', models: ['m'], retry: { base_ms: 5 }, capabilities: { m: { stream_options: false } } }, options);
    expect(channel).toMatchObject({ name: 'a', apiKeys: ['k'], retry: { attempts: 7, baseMs: 5 }, capabilities: { m: { streamOptions: false } }, priority: 0, weight: 1 });
  });

  it('reports every problem with the field path inside the entry', () => {
    expect(problemsOf({ name: 'a', type: 'openai', models: [], weight: 0 })).toEqual(['models: expected at least one model name or glob, got an empty list', 'weight: expected a positive number, got 0']);
    expect(problemsOf({ name: 'a', type: 'azure', api_key: 'k', api_keys: ['k'], models: ['m'] })).toEqual(['set api_key or api_keys, not both', 'base_url: required for channel type "azure", which has no default address']);
    expect(problemsOf({ name: 'a', type: 'nope', models: ['m'] })).toEqual(['type: unknown channel type "nope"; known types: openai, azure']);
    expect(problemsOf('a channel')).toEqual(['expected a mapping, got "a channel"']);
  });
});
