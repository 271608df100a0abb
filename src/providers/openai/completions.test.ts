import { describe, expect, it } from 'vitest';
import type { Channel } from '../../core/channel.ts';
import { GatewayError } from '../../core/errors.ts';
import { buildCompletionsRequest as buildAzureCompletions } from '../azure/completions.ts';
import { buildCompletionsRequest, learnCompletionsSupport } from './completions.ts';

const channel = { name: 'ch', baseUrl: 'http://upstream/v1', apiVersion: undefined } as Channel;
const target = { channel, upstreamModel: 'up', apiKey: 'sk', stream: true, streamOptions: true };
const rejected = (status: number, words: string) => new GatewayError('upstream_rejected', `ch answered HTTP ${String(status)}: ${words}`, { upstream: { channel: 'ch', status } });

describe('OpenAI-compatible /completions', () => {
  it("sends the client's body with the upstream model, stream_options only with a stream to an upstream that takes it", () => {
    const request = { model: 'client', prompt: 'x', suffix: 'y', stream: true, stream_options: { include_usage: false }, top_k: 3 };
    expect(buildCompletionsRequest(request, target, 'http://default/v1')).toMatchObject({
      url: 'http://upstream/v1/completions',
      headers: { authorization: 'Bearer sk', accept: 'text/event-stream' },
      body: { model: 'up', prompt: 'x', suffix: 'y', top_k: 3, stream: true, stream_options: { include_usage: true } },
    });
    expect(buildCompletionsRequest({ model: 'c', prompt: 'x' }, { ...target, stream: false, streamOptions: false }, 'http://default/v1').body).toEqual({ model: 'up', prompt: 'x' });
    const azure = buildAzureCompletions({ model: 'c', prompt: 'x', stream: true }, { ...target, channel: { ...channel, baseUrl: 'https://r.openai.azure.com', apiVersion: '2024-06-01' } });
    expect(azure.url).toBe('https://r.openai.azure.com/openai/deployments/up/completions?api-version=2024-06-01');
    expect(azure.headers['api-key']).toBe('sk');
    expect(azure.body.stream_options).toBeUndefined();
  });

  it("learns `unsupported` from the upstream's verdict on the endpoint, never from a missing model", () => {
    expect(learnCompletionsSupport(rejected(404, '{"detail":"Not Found"}'))).toEqual({ completions: 'unsupported' });
    expect(learnCompletionsSupport(rejected(404, 'This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?'))).toEqual({ completions: 'unsupported' });
    expect(learnCompletionsSupport(rejected(400, 'The completion operation does not work with the specified model, gpt-4o.'))).toEqual({ completions: 'unsupported' });
    expect(learnCompletionsSupport(rejected(404, 'The model `gpt-9` does not exist or you do not have access to it.'))).toBeUndefined();
    expect(learnCompletionsSupport(rejected(400, 'Unrecognized request argument supplied: stream_options'))).toBeUndefined();
    expect(learnCompletionsSupport(rejected(503, 'overloaded'))).toBeUndefined();
  });
});
