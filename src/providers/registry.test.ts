import { describe, expect, it } from 'vitest';
import type { Channel } from '../core/channel.ts';
import { findProvider, providerKeyHeaders, providerPlainHeaders, providerTypes } from './registry.ts';

const key = 'sk-declared-key-1234';
const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], stream: false };

function channelOf(type: string): Channel {
  return { name: type, type, baseUrl: type === 'azure' ? 'https://r.openai.azure.com' : undefined, apiVersion: '2024-10-21', headers: {} } as unknown as Channel;
}

// Captures mask a dialect's key header by name (relay/capture.ts): the declaration must be where the key goes.
describe('provider declarations', () => {
  it('put every chat call\'s key in `authorization` or in the key header the dialect declares', () => {
    for (const type of providerTypes) {
      const provider = findProvider(type);
      if (provider === undefined || provider.answerLocally !== undefined) continue;
      const { headers } = provider.buildChatRequest(request, { channel: channelOf(type), upstreamModel: 'm', apiKey: key, stream: false, streamOptions: false });
      const carriers = Object.entries(headers).filter(([, value]) => value.includes(key)).map(([name]) => name.toLowerCase());
      expect(carriers, type).toEqual([provider.keyHeader ?? 'authorization']);
    }
  });

  it('list the key headers and no key header as plain', () => {
    expect([...providerKeyHeaders].sort()).toEqual(['api-key', 'x-api-key', 'x-goog-api-key']);
    expect(providerPlainHeaders).toEqual(expect.arrayContaining(['anthropic-version', 'anthropic-beta', 'openai-organization']));
    expect(providerPlainHeaders.filter((name) => providerKeyHeaders.includes(name) || name === 'authorization')).toEqual([]);
  });
});
