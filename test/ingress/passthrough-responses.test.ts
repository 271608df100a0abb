// Same-dialect pass-through of /v1/responses to OpenAI and Azure channels that serve the Responses
// API (docs/ingress-protocols.md §D1), with the official openai SDK: the upstream gets the client's
// body (model mapped, `store: false`), the client gets the upstream's events (`event:` lines and
// sequence numbers kept, reasoning items with their encrypted content) with its own model name; a
// channel without the Responses API is learned as such from its 404 and answered translated in the
// same request; a failure after the first byte is the upstream's own `response.failed`; a 400 about
// the request before it is the upstream's own error body.
import OpenAI, { BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { openAiText, startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { contextTooLongBody, encryptedReasoning, failMidMessage, responsesBody, responsesStreamData, responsesText, responsesUsage, startResponsesEmulator } from '../emulators/openai-responses.ts';
import { postRaw } from '../support/post-raw.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const key = 'sk-codex';
const input = [{ role: 'user' as const, content: 'Say hello.' }];

function eventsOf(text: string): Array<{ event: string; data: string }> {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '' && !frame.startsWith(':'))
    .map((frame) => {
      const [event = '', data = ''] = frame.split('\n');
      return { event: event.replace(/^event: /, ''), data: data.replace(/^data: /, '') };
    });
}

/** An upstream event's data with the client's model name where the `response` carries one. */
function withModel(data: string, model: string): unknown {
  const value = JSON.parse(data) as { response?: object };
  return value.response === undefined ? value : { ...value, response: { ...value.response, model } };
}

describe('/v1/responses passed through to channels with the Responses API', () => {
  let responses: Emulator;
  let chatOnly: Emulator;
  let gateway: YamlGateway;
  let client: OpenAI;
  beforeAll(async () => {
    [responses, chatOnly] = await Promise.all([startResponsesEmulator(), startOpenAiEmulator()]);
    gateway = await startYamlGateway(
      [
        'keys:',
        `  - { name: app, key: ${key}, models: ["*"] }`,
        'channels:',
        `  - { name: openai, type: openai, base_url: "${responses.url}", api_key: test-key, models: [gpt-5, gpt-fail-mid, gpt-too-long], model_map: { codex: gpt-5 }, retry: { attempts: 1 } }`,
        `  - { name: azure, type: azure, base_url: "${responses.url.replace(/\/v1$/, '')}", api_key: test-key, models: [nano-deployment], model_map: { azure-codex: nano-deployment }, retry: { attempts: 1 } }`,
        `  - { name: chat-only, type: openai, base_url: "${chatOnly.url}", api_key: test-key, models: [gpt-4o], retry: { attempts: 1 } }`,
      ].join('\n'),
    );
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([responses.close(), chatOnly.close()]);
  });

  it('streams the upstream events as they are, with the client’s model name, and usage from response.completed', async () => {
    const answer = await postRaw(`${gateway.url}/v1/responses`, { model: 'codex', input, stream: true, include: ['reasoning.encrypted_content'] }, { authorization: `Bearer ${key}` });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-sluice-adaptations')).toBe('pass-through');
    const upstream = responsesStreamData('answer', 'gpt-5');
    const events = eventsOf(answer.text);
    expect(events.map((event) => event.event)).toEqual(upstream.map((data) => (JSON.parse(data) as { type: string }).type));
    expect(events.map((event) => JSON.parse(event.data) as unknown)).toEqual(upstream.map((data) => withModel(data, 'codex')));
    // Events without a `response` pass with their bytes.
    expect(events.slice(2, -1).map((event) => event.data)).toEqual(upstream.slice(2, -1));
    const sent = responses.received.at(-1);
    expect(sent?.path).toBe('/v1/responses');
    expect(sent?.body).toEqual({ model: 'gpt-5', input, stream: true, include: ['reasoning.encrypted_content'], store: false });
    expect(sent?.headers.authorization).toBe('Bearer test-key');
    const final = await client.responses.stream({ model: 'codex', input }).finalResponse();
    expect(final.model).toBe('codex');
    expect(final.output_text).toBe(responsesText);
    expect(final.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: encryptedReasoning });
    expect(final.usage).toEqual(responsesUsage);
  });

  it('answers a non-stream call with the upstream’s Response, on OpenAI and on Azure’s v1 URL', async () => {
    const created = await client.responses.create({ model: 'codex', input, store: true }).withResponse();
    // The SDK adds `output_text` to what it received.
    const { output_text: text, ...received } = created.data;
    expect(text).toBe(responsesText);
    expect(received).toEqual({ ...responsesBody('gpt-5'), model: 'codex' });
    expect(created.response.headers.get('x-sluice-adaptations')).toBe('pass-through');
    expect(responses.received.at(-1)?.body).toMatchObject({ model: 'gpt-5', store: true });
    const azure = await client.responses.create({ model: 'azure-codex', input });
    expect(azure.output_text).toBe(responsesText);
    const sent = responses.received.at(-1);
    expect(sent?.path).toBe('/openai/v1/responses');
    expect(sent?.headers['api-key']).toBe('test-key');
    expect(sent?.body).toEqual({ model: 'nano-deployment', input, store: false });
  });

  it('learns that a channel has no Responses API from its 404 and answers the same request translated', async () => {
    const first = await client.responses.create({ model: 'gpt-4o', input }).withResponse();
    expect(first.data.output_text).toBe(openAiText);
    expect(first.response.headers.get('x-sluice-adaptations')).toBe('learned:responses_api=unsupported');
    expect(chatOnly.received.map((request) => request.path)).toEqual(['/v1/responses', '/v1/chat/completions']);
    const second = await client.responses.stream({ model: 'gpt-4o', input }).finalResponse();
    expect(second.output_text).toBe(openAiText);
    expect(chatOnly.received.map((request) => request.path)).toEqual(['/v1/responses', '/v1/chat/completions', '/v1/chat/completions']);
  });

  it('ends a stream that fails after its first byte with the upstream’s own response.failed', async () => {
    const answer = await postRaw(`${gateway.url}/v1/responses`, { model: 'gpt-fail-mid', input, stream: true }, { authorization: `Bearer ${key}` });
    expect(answer.status).toBe(200);
    const events = eventsOf(answer.text);
    const upstream = responsesStreamData('gpt-fail-mid');
    expect(events.map((event) => event.event)).toEqual(upstream.map((data) => (JSON.parse(data) as { type: string }).type));
    expect(events.at(-1)?.event).toBe('response.failed');
    expect(JSON.parse(events.at(-1)?.data ?? '{}')).toEqual(JSON.parse(upstream.at(-1) ?? ''));
    // The SDK ends with the failed response (no throw): the upstream's own error, not Sluice's.
    const final = await client.responses.stream({ model: 'gpt-fail-mid', input }).finalResponse();
    expect(final).toMatchObject({ status: 'failed', error: { code: 'server_error', message: failMidMessage } });
  });

  it('answers an upstream 400 about the request with the upstream’s own error body, stream or not', async () => {
    for (const stream of [false, true]) {
      const answer = await postRaw(`${gateway.url}/v1/responses`, { model: 'gpt-too-long', input, stream }, { authorization: `Bearer ${key}` });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual(JSON.parse(contextTooLongBody));
      expect(answer.headers.get('x-sluice-channel')).toBeNull();
      expect(answer.headers.get('x-sluice-attempts')).toBe('1');
    }
    const refused = await client.responses.create({ model: 'gpt-too-long', input }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused).toMatchObject({ code: 'context_length_exceeded', param: 'input' });
  });
});
