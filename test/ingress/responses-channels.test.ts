// The official openai SDK's Responses API → Sluice → every channel type, in every upstream mode:
// the upstream's own mode, stream-only (`stream: required`: a non-stream client gets the collected
// stream) and stream-refusing (`stream: unsupported`: a streaming client gets the replayed answer).
// `responses.create` and `responses.stream().finalResponse()` give the same output; the raw stream
// passes the emitter rules event by event (docs/ingress-protocols.md §D2).
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicText, startAnthropicEmulator } from '../emulators/anthropic-messages.ts';
import { azureText, startAzureOpenAiEmulator } from '../emulators/azure-openai.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { geminiNonStreamText, geminiText, startGeminiEmulator } from '../emulators/gemini-generate-content.ts';
import { ollamaText, startOllamaEmulator } from '../emulators/ollama-chat.ts';
import { openAiText, startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { clientKey, emulatorRoot, startDialectGateway, type DialectGateway } from '../support/dialect-gateway.ts';
import { postRaw } from '../support/post-raw.ts';
import { checkResponsesStream, readResponsesEvents } from '../support/responses-sse.ts';

interface ChannelCase {
  type: string;
  model: string;
  /** The answer's text when the upstream streamed, and when it did not. */
  streamText: string;
  bodyText: string;
  start?: () => Promise<Emulator>;
  /** openai-compatible channels take base_url with `/v1`, the dialects without. */
  withV1?: boolean;
  extra?: Record<string, unknown>;
}

const question = 'Say hello.';
const cases: ChannelCase[] = [
  { type: 'openai', model: 'gpt-4o-mini', streamText: openAiText, bodyText: openAiText, start: startOpenAiEmulator, withV1: true },
  { type: 'azure', model: 'gpt-5-nano', streamText: azureText, bodyText: azureText, start: startAzureOpenAiEmulator, extra: { api_version: '2024-10-21', model_map: { 'gpt-5-nano': 'nano-deployment' } } },
  { type: 'anthropic', model: 'claude-text', streamText: anthropicText, bodyText: anthropicText, start: startAnthropicEmulator, extra: { default_max_tokens: 1024 } },
  { type: 'gemini', model: 'gemini-text', streamText: geminiText, bodyText: geminiNonStreamText, start: startGeminiEmulator },
  { type: 'ollama', model: 'llama-text', streamText: ollamaText, bodyText: ollamaText, start: startOllamaEmulator },
  { type: 'echo', model: 'echo-1', streamText: question, bodyText: question },
];

const modes = [
  { name: "the upstream's own mode", stream: undefined },
  { name: 'a stream-only upstream', stream: 'required' },
  { name: 'a stream-refusing upstream', stream: 'unsupported' },
] as const;

function textOf(response: OpenAI.Responses.Response): string {
  return response.output.flatMap((item) => (item.type === 'message' ? item.content.flatMap((part) => (part.type === 'output_text' ? [part.text] : [])) : [])).join('');
}

/** The output without the ids, which differ per request. */
function shapeOf(response: OpenAI.Responses.Response): unknown {
  // The SDK's stream helper adds `parsed: null` to each text part (it parses structured outputs).
  return response.output.map((item) => (item.type === 'message' ? { ...item, id: undefined, content: item.content.map((part) => ({ ...part, parsed: undefined })) } : { ...item, id: undefined }));
}

for (const channel of cases) {
  describe(`/v1/responses on a ${channel.type} channel`, () => {
    let emulator: Emulator | undefined;
    const gateways = new Map<string, DialectGateway>();
    beforeAll(async () => {
      emulator = await channel.start?.();
      const baseUrl = emulator === undefined ? {} : { base_url: channel.withV1 === true ? emulator.url : emulatorRoot(emulator) };
      for (const mode of modes) {
        const capabilities = mode.stream === undefined ? {} : { capabilities: { '*': { stream: mode.stream } } };
        gateways.set(mode.name, await startDialectGateway({ name: channel.type, type: channel.type, ...baseUrl, models: [channel.model], ...capabilities, ...channel.extra }));
      }
    });
    afterAll(async () => {
      for (const gateway of gateways.values()) await gateway.close();
      await emulator?.close();
    });

    for (const mode of modes) {
      it(`answers create and stream alike through ${mode.name}`, async () => {
        const gateway = gateways.get(mode.name);
        if (gateway === undefined) throw new Error('no gateway');
        const created = await gateway.client.responses.create({ model: channel.model, input: question, max_output_tokens: 200 });
        const upstreamStreamed = mode.stream === 'required' || (mode.stream === undefined && channel.type === 'echo');
        expect(created).toMatchObject({ object: 'response', status: 'completed', model: channel.model, store: false, max_output_tokens: 200 });
        expect(created.output_text).toBe(upstreamStreamed ? channel.streamText : channel.bodyText);
        expect(created.usage?.total_tokens).toBeGreaterThan(0);

        const stream = gateway.client.responses.stream({ model: channel.model, input: question, max_output_tokens: 200 });
        const final = await stream.finalResponse();
        const replayed = mode.stream === 'unsupported';
        expect(final.output_text).toBe(replayed ? channel.bodyText : channel.streamText);
        expect(final.status).toBe('completed');
        expect(final.usage).toEqual(expect.objectContaining({ input_tokens: expect.any(Number) as number, output_tokens: expect.any(Number) as number }));
        if (textOf(final) === textOf(created)) expect(shapeOf(final)).toEqual(shapeOf(created));

        const raw = await postRaw(`${gateway.url}/v1/responses`, { model: channel.model, input: question, stream: true }, { authorization: `Bearer ${clientKey}` });
        expect(raw.status).toBe(200);
        expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const response = checkResponsesStream(readResponsesEvents(raw.text));
        expect(response['status']).toBe('completed');
        expect(response['usage']).not.toBeNull();
      });
    }
  });
}
