// Prompt-cache counts and stop sequences reach Messages and Responses clients (issue 14,
// docs/ingress-protocols.md §D3): an Anthropic channel's cache reads and writes, an OpenAI-compatible
// upstream's `prompt_tokens_details.cached_tokens` (and OpenRouter's `cache_write_tokens` beside it,
// openrouter.ai/docs/use-cases/usage-accounting); Anthropic's `input_tokens` without them; the stop sequence
// that ended an answer whose text ends with it.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedCounts, cachedText, startAnthropicEmulator } from '../emulators/anthropic-messages.ts';
import { chatCompletionsOnly, requestedModel, startEmulator, wantsStream, wantsUsage, writeJson, type Emulator } from '../emulators/emulator-server.ts';
import { chunkJson, completionJson, deltaChoice, type ChunkIdentity } from '../emulators/openai-chunks.ts';
import { dataFrame, openAiDone, writeSse } from '../emulators/sse-writer.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const key = 'sk-usage';
const openAiUsage = { prompt_tokens: 2006, completion_tokens: 5, total_tokens: 2011, prompt_tokens_details: { cached_tokens: 1920, cache_write_tokens: 64, audio_tokens: 0 } };
/** What the OpenAI-compatible upstream answers, by model: a vLLM-style `include_stop_str_in_output` answer keeps the sequence. */
const answers: Record<string, string> = { 'cached-up': 'Cached hello.', 'stop-kept': 'The answer is 42.\nEND', 'stop-dropped': 'The answer is 42.\n' };

function startOpenAiUpstream(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response) => {
      const model = requestedModel(request);
      const identity: ChunkIdentity = { id: 'chatcmpl-usage', created: 1735689600, model };
      const text = answers[model] ?? '';
      if (!wantsStream(request)) {
        writeJson(response, 200, completionJson(identity, { role: 'assistant', content: text }, 'stop', { usage: openAiUsage }));
        return;
      }
      const frames = [chunkJson(identity, [deltaChoice({ role: 'assistant', content: text.slice(0, 6) })]), chunkJson(identity, [deltaChoice({ content: text.slice(6) })]), chunkJson(identity, [deltaChoice({}, 'stop')])];
      if (wantsUsage(request)) frames.push(chunkJson(identity, [], { usage: openAiUsage }));
      await writeSse(response, [...frames.map(dataFrame), openAiDone]);
    }),
  );
}

let anthropicUpstream: Emulator;
let openAiUpstream: Emulator;
let gateway: YamlGateway;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  [anthropicUpstream, openAiUpstream] = await Promise.all([startAnthropicEmulator(), startOpenAiUpstream()]);
  gateway = await startYamlGateway(`keys:
  - { name: app, key: ${key}, models: ["*"] }
channels:
  - { name: claude, type: anthropic, base_url: "${anthropicUpstream.url.replace(/\/v1$/, '')}", api_key: test-key, models: [claude-cached], retry: { attempts: 1 } }
  - { name: openai, type: openai, base_url: "${openAiUpstream.url}", api_key: k, models: [${Object.keys(answers).join(', ')}], retry: { attempts: 1 } }`);
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
  await Promise.all([anthropicUpstream.close(), openAiUpstream.close()]);
});

const question = [{ role: 'user' as const, content: 'Hello?' }];

async function messageBoth(body: Omit<Anthropic.MessageCreateParamsNonStreaming, 'max_tokens' | 'messages'>): Promise<Anthropic.Message[]> {
  const params = { max_tokens: 100, messages: question, ...body };
  return [await anthropic.messages.create(params), await anthropic.messages.stream(params).finalMessage()];
}

async function respondBoth(model: string): Promise<OpenAI.Responses.Response[]> {
  return [await openai.responses.create({ model, input: 'Hello?' }), await openai.responses.stream({ model, input: 'Hello?' }).finalResponse()];
}

describe('prompt-cache counts', () => {
  it('from an Anthropic channel: Messages gets the reads and writes apart from input_tokens, Responses the reads as cached_tokens, Chat Completions both', async () => {
    for (const message of await messageBoth({ model: 'claude-cached' })) {
      expect(message.content).toEqual([{ type: 'text', text: cachedText }]);
      expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 30, cache_creation_input_tokens: cachedCounts.write, cache_read_input_tokens: cachedCounts.read });
    }
    for (const response of await respondBoth('claude-cached')) {
      expect(response.usage).toMatchObject({ input_tokens: 12 + cachedCounts.write + cachedCounts.read, input_tokens_details: { cached_tokens: cachedCounts.read }, output_tokens: 30 });
    }
    const completion = await openai.chat.completions.create({ model: 'claude-cached', messages: question });
    expect(completion.usage).toMatchObject({ prompt_tokens: 12 + cachedCounts.write + cachedCounts.read, prompt_tokens_details: { cached_tokens: cachedCounts.read }, cache_creation_input_tokens: cachedCounts.write });
  });

  it('from an OpenAI-compatible upstream: cached_tokens (and OpenRouter\'s cache_write_tokens) reach both protocols', async () => {
    for (const message of await messageBoth({ model: 'cached-up' })) {
      expect(message.usage).toMatchObject({ input_tokens: 2006 - 1920 - 64, cache_read_input_tokens: 1920, cache_creation_input_tokens: 64, output_tokens: 5 });
    }
    for (const response of await respondBoth('cached-up')) expect(response.usage).toMatchObject({ input_tokens: 2006, input_tokens_details: { cached_tokens: 1920 } });
  });
});

describe('stop_sequence', () => {
  it('names the client\'s stop sequence the answer ends with', async () => {
    for (const message of await messageBoth({ model: 'stop-kept', stop_sequences: ['STOP', 'END'] })) {
      expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
    }
  });

  it('is end_turn with no sequence when the answer does not end with one', async () => {
    for (const message of await messageBoth({ model: 'stop-dropped', stop_sequences: ['END'] })) {
      expect(message).toMatchObject({ stop_reason: 'end_turn', stop_sequence: null });
    }
  });
});
