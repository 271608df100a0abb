import { describe, expect, it } from 'vitest';
import type { Channel } from '../../core/channel.ts';
import { GatewayError } from '../../core/errors.ts';
import type { UpstreamTarget } from '../types.ts';
import { acceptsStreamOptions, buildChatRequest } from './build-request.ts';

const channel = { name: 'az', type: 'azure', baseUrl: 'https://my-resource.openai.azure.com', apiVersion: '2024-10-21', headers: {} } as unknown as Channel;
const request = { model: 'o3-mini', messages: [{ role: 'user', content: 'hi' }], stream: true };

function target(overrides: Partial<Channel> = {}, stream = true): UpstreamTarget {
  return { channel: { ...channel, ...overrides }, upstreamModel: 'my-o3-deployment', apiKey: 'az-key', stream, streamOptions: true };
}

describe('azure buildChatRequest', () => {
  it('calls the deployment URL with the api-version when the channel sets api_version', () => {
    const built = buildChatRequest(request, target());
    expect(built.url).toBe('https://my-resource.openai.azure.com/openai/deployments/my-o3-deployment/chat/completions?api-version=2024-10-21');
    expect(built.headers['api-key']).toBe('az-key');
    expect(built.headers).not.toHaveProperty('authorization');
  });

  it('calls the v1 URL with the deployment as the model when there is no api_version', () => {
    const built = buildChatRequest(request, target({ apiVersion: undefined }));
    expect(built.url).toBe('https://my-resource.openai.azure.com/openai/v1/chat/completions');
    expect(built.body.model).toBe('my-o3-deployment');
  });

  it('accepts a base_url pasted with its /openai path', () => {
    expect(buildChatRequest(request, target({ baseUrl: 'https://r.openai.azure.com/openai/', apiVersion: undefined })).url).toBe(
      'https://r.openai.azure.com/openai/v1/chat/completions',
    );
  });

  it('asks for usage only from api-versions that know stream_options', () => {
    expect(buildChatRequest(request, target()).body.stream_options).toEqual({ include_usage: true });
    expect(buildChatRequest(request, target({ apiVersion: '2024-02-15-preview' })).body).not.toHaveProperty('stream_options');
    expect([acceptsStreamOptions('2024-08-01-preview'), acceptsStreamOptions('2024-09-01-preview'), acceptsStreamOptions('2025-04-01-preview')]).toEqual([false, true, true]);
  });

  it('says which channel lacks a base_url, as Azure has no default address', () => {
    expect(() => buildChatRequest(request, target({ baseUrl: undefined }))).toThrow(GatewayError);
    expect(() => buildChatRequest(request, target({ baseUrl: undefined }))).toThrow(/az \(type azure\) has no base_url/);
  });
});
