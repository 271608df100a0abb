// The endpoint relay on fake sends (no sockets): the body re-sent per channel with its model name,
// failover before the answer, a streamed answer holding the channel's slot until it is read or left,
// and a clear 400 where no channel has the endpoint.
import { describe, expect, it } from 'vitest';
import type { Channel } from '../core/channel.ts';
import type { EndpointBody } from '../core/endpoint.ts';
import { GatewayError } from '../core/errors.ts';
import type { UpstreamRequest, UpstreamResponse } from '../core/upstream.ts';
import { findProvider } from '../providers/registry.ts';
import { fixedChannels } from '../routing/channel-registry.ts';
import { CircuitBreakers } from '../routing/circuit-breaker.ts';
import { ConcurrencyGate } from '../routing/concurrency-gate.ts';
import { KeyRing } from '../routing/key-ring.ts';
import { LearnedCapabilities } from './learned-capabilities.ts';
import { relayEndpoint } from './relay-endpoint.ts';
import type { RelayDependencies } from './relay-dependencies.ts';
import { createRequestRecord } from './request-record.ts';

function channel(name: string, type: string, overrides: Partial<Channel> = {}): Channel {
  return {
    name,
    type,
    baseUrl: `http://${name}.test/v1`,
    apiKeys: [`key-${name}`],
    models: ['*'],
    modelMap: { whisper: `${name}-whisper` },
    priority: 0,
    weight: 1,
    overrides: undefined,
    headers: {},
    apiVersion: undefined,
    maxConcurrency: 4,
    preferStream: false,
    debug: false,
    healthCheck: undefined,
    capabilities: {},
    retry: { attempts: 1, baseMs: 1, maxMs: 1, maxRetryAfterMs: 1000 },
    timeouts: { connectMs: 1000, firstByteMs: 1000, firstChunkMs: 1000, idleMs: 1000, totalMs: 5000 },
    breaker: { failureRate: 0.9, windowMs: 60_000, minCalls: 100, cooldownMs: 1000 },
    limits: { bodyBytes: 1_000_000, streamBytes: 1_000_000 },
    ...overrides,
  };
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await Promise.resolve(); // each piece in its own turn, as a socket's would come
    yield new TextEncoder().encode(part);
  }
}

function setup(channels: Channel[], answer: (request: UpstreamRequest) => UpstreamResponse) {
  const sent: UpstreamRequest[] = [];
  const clock = () => performance.now();
  const dependencies: RelayDependencies = {
    channels: fixedChannels(channels),
    fallbacks: {},
    totalMs: 5000,
    findProvider,
    send: (request) => {
      sent.push(request);
      return Promise.resolve(answer(request));
    },
    keys: new KeyRing(clock),
    breakers: new CircuitBreakers(clock),
    learned: new LearnedCapabilities(clock),
    slots: new ConcurrencyGate(),
    random: () => 0,
    nowMs: clock,
    secrets: [],
    captureCapBytes: 1000,
  };
  const context = { signal: new AbortController().signal, record: createRequestRecord('r', 'whisper', false), captureAll: false };
  return { dependencies, context, sent };
}

const form: EndpointBody = {
  kind: 'multipart',
  fields: [
    ['model', 'whisper'],
    ['response_format', 'text'],
  ],
  files: [{ field: 'file', filename: 'a "quoted".wav', contentType: 'audio/wav', bytes: new Uint8Array([0, 1, 2, 255]) }],
};

describe('relayEndpoint', () => {
  it('re-sends a multipart form to the next channel with that channel’s model name, after a 503', async () => {
    const { dependencies, context, sent } = setup([channel('a', 'openai'), channel('b', 'openai', { priority: 1 })], (request) =>
      request.url.startsWith('http://a.test') ? { status: 503, headers: {}, body: chunks('{"error":{"message":"overloaded"}}') } : { status: 200, headers: { 'content-type': 'text/plain' }, body: chunks('hello', ' world') },
    );
    const answer = await relayEndpoint({ endpoint: 'audio.transcriptions', model: 'whisper', body: form, answer: 'whole' }, context, dependencies);
    expect(new TextDecoder().decode(answer.bytes)).toBe('hello world');
    expect(answer.channel).toBe('b');
    expect(sent.map((request) => request.url)).toEqual(['http://a.test/v1/audio/transcriptions', 'http://b.test/v1/audio/transcriptions']);
    expect(sent[1]?.headers.authorization).toBe('Bearer key-b');
    const contentType = sent[1]?.headers['content-type'] ?? '';
    // undici's own multipart parser, independent of the encoder under test (a test, not a server path).
    const raw = sent[1]?.raw;
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const parsed = await new Response(raw instanceof Uint8Array ? raw : Buffer.concat(raw ?? []), { headers: { 'content-type': contentType } }).formData();
    expect(parsed.get('model')).toBe('b-whisper');
    expect(parsed.get('response_format')).toBe('text');
    const file = parsed.get('file');
    expect(file).toBeInstanceOf(File);
    expect([...new Uint8Array(await (file as File).arrayBuffer())]).toEqual([0, 1, 2, 255]);
    expect(context.record.attempts.map((attempt) => [attempt.channel, attempt.status])).toEqual([
      ['a', 503],
      ['b', 200],
    ]);
  });

  it('applies a channel’s overrides to a JSON body and puts it on Azure’s deployment URL', async () => {
    const azure = channel('az', 'azure', { baseUrl: 'https://r.openai.azure.com', apiVersion: '2025-04-01-preview', overrides: { quality: 'hd' } });
    const { dependencies, context, sent } = setup([azure], () => ({ status: 200, headers: {}, body: chunks('{"data":[]}') }));
    await relayEndpoint({ endpoint: 'images.generations', model: 'whisper', body: { kind: 'json', json: { model: 'whisper', prompt: 'a cat' } }, answer: 'whole' }, context, dependencies);
    expect(sent[0]?.url).toBe('https://r.openai.azure.com/openai/deployments/az-whisper/images/generations?api-version=2025-04-01-preview');
    expect(sent[0]?.headers['api-key']).toBe('key-az');
    const raw = sent[0]?.raw;
    expect(raw).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(new TextDecoder().decode(raw as Uint8Array))).toEqual({ model: 'az-whisper', prompt: 'a cat', quality: 'hd' });
  });

  it('holds the channel’s slot while a streamed answer is read, and gives it back when it ends or is left unread', async () => {
    const { dependencies, context } = setup([channel('a', 'openai')], () => ({ status: 200, headers: { 'content-type': 'audio/mpeg' }, body: chunks('ID3', 'more', 'end') }));
    const call = { endpoint: 'audio.speech' as const, model: 'whisper', body: { kind: 'json' as const, json: { model: 'whisper', input: 'hi' } }, answer: 'streamed' as const };
    const answer = await relayEndpoint(call, context, dependencies);
    expect(dependencies.slots.inFlight('a')).toBe(1);
    const read: string[] = [];
    for await (const piece of answer.stream ?? chunks()) read.push(new TextDecoder().decode(piece));
    expect(read).toEqual(['ID3', 'more', 'end']);
    expect(dependencies.slots.inFlight('a')).toBe(0);

    const unread = await relayEndpoint(call, { ...context, record: createRequestRecord('r2', 'whisper', false) }, dependencies);
    expect(dependencies.slots.inFlight('a')).toBe(1);
    await unread.stream?.return?.();
    expect(dependencies.slots.inFlight('a')).toBe(0);
  });

  it('answers 400 endpoint_not_served, naming the model, when no channel has the endpoint', async () => {
    const { dependencies, context, sent } = setup([channel('claude', 'anthropic'), channel('az', 'azure')], () => ({ status: 200, headers: {}, body: chunks('{}') }));
    const failure = await relayEndpoint({ endpoint: 'moderations', model: 'whisper', body: { kind: 'json', json: { input: 'x' } }, answer: 'whole' }, context, dependencies).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).code).toBe('endpoint_not_served');
    expect((failure as GatewayError).status).toBe(400);
    expect((failure as GatewayError).message).toContain("'whisper'");
    expect(sent).toEqual([]);
  });
});
