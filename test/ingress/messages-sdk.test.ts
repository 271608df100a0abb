// The real @anthropic-ai/sdk against POST /v1/messages on every channel type (openai-compatible,
// azure, anthropic, gemini, ollama, echo), each in both upstream modes: as the upstream is called
// naturally, a stream-only upstream for a non-stream client (collect) and a stream-refusing upstream
// for a streaming client (replay). Plus a tool round trip, thinking with its signature sent back only
// to Anthropic, and countTokens (docs/ingress-protocols.md §A5–§A7, §D3).
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicText, startAnthropicEmulator, thinkingText, toolAnswer, weatherToolUseId } from '../emulators/anthropic-messages.ts';
import { azureText, azureToolAnswer, azureToolCallId, startAzureOpenAiEmulator } from '../emulators/azure-openai.ts';
import { dashscopeModel, dashscopeReasoning, dashscopeText, startDashscopeEmulator } from '../emulators/dashscope-stream-only.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { geminiNonStreamText, geminiText, geminiToolAnswer, startGeminiEmulator } from '../emulators/gemini-generate-content.ts';
import { ollamaText, ollamaToolAnswer, startOllamaEmulator } from '../emulators/ollama-chat.ts';
import { openAiText, startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const key = 'sk-messages';
const said = 'Echo this back please';

interface ChannelCase {
  type: string;
  /** The emulator's root, or none (echo). */
  root?: () => string;
  model: string;
  /** Every model the natural channel serves. */
  models: readonly string[];
  /** Texts the upstream may answer (Gemini's stream and non-stream fixtures differ). */
  texts: readonly string[];
}

const emulators: Record<string, Emulator> = {};
const rootOf = (name: string) => () => (emulators[name]?.url ?? '').replace(/\/v1$/, '');

const cases: ChannelCase[] = [
  { type: 'openai', root: () => emulators.openai?.url ?? '', model: 'gpt-4o', models: ['gpt-4o'], texts: [openAiText] },
  { type: 'azure', root: rootOf('azure'), model: 'nano-deployment', models: ['nano-deployment', 'tools-deployment'], texts: [azureText] },
  { type: 'anthropic', root: rootOf('anthropic'), model: 'claude-text', models: ['claude-text', 'claude-tools', 'claude-thinking'], texts: [anthropicText] },
  { type: 'gemini', root: rootOf('gemini'), model: 'gemini-text', models: ['gemini-text', 'gemini-tools'], texts: [geminiText, geminiNonStreamText] },
  { type: 'ollama', root: rootOf('ollama'), model: 'llama-text', models: ['llama-text', 'qwen-tools'], texts: [ollamaText] },
  { type: 'echo', model: 'echo', models: ['echo'], texts: [said] },
];

/** Three channels per type: natural mode, `stream: required` (client names `required/…`), `stream: unsupported` (`refused/…`). */
function channelsYaml(): string {
  const lines: string[] = [];
  for (const entry of cases) {
    const base = entry.root === undefined ? '' : `, base_url: "${entry.root()}", api_key: test-key`;
    lines.push(`  - { name: ${entry.type}, type: ${entry.type}${base}, models: [${entry.models.join(', ')}], retry: { attempts: 1 } }`);
    for (const [prefix, stream] of [['required', 'required'], ['refused', 'unsupported']] as const) {
      lines.push(`  - { name: ${entry.type}-${prefix}, type: ${entry.type}${base}, models: ["${prefix}/${entry.model}"], model_map: { "${prefix}/${entry.model}": ${entry.model} }, capabilities: { "*": { stream: ${stream} } }, retry: { attempts: 1 } }`);
    }
  }
  // DashScope QwQ is an openai-compatible upstream that reasons (reasoning_content) and only streams.
  lines.push(`  - { name: dashscope, type: openai, base_url: "${emulators.dashscope?.url ?? ''}", api_key: test-key, models: [qwq-plus], capabilities: { "*": { stream: required } } }`);
  return lines.join('\n');
}

function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

describe('@anthropic-ai/sdk against /v1/messages on every channel type', () => {
  let gateway: YamlGateway;
  let client: Anthropic;
  beforeAll(async () => {
    [emulators.openai, emulators.azure, emulators.anthropic, emulators.gemini, emulators.ollama, emulators.dashscope] = await Promise.all([
      startOpenAiEmulator(),
      startAzureOpenAiEmulator(),
      startAnthropicEmulator(),
      startGeminiEmulator(),
      startOllamaEmulator(),
      startDashscopeEmulator(),
    ]);
    gateway = await startYamlGateway(`keys:\n  - { name: app, key: ${key}, models: ["*"] }\nchannels:\n${channelsYaml()}`);
    client = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0, timeout: 15_000 });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all(Object.values(emulators).map((emulator) => emulator.close()));
  });

  for (const entry of cases) {
    for (const prefix of ['', 'required/', 'refused/']) {
      const model = `${prefix}${entry.model}`;
      it(`${entry.type} ${prefix === '' ? 'natural' : prefix.slice(0, -1)}: messages.create and messages.stream().finalMessage()`, async () => {
        const request = { model, max_tokens: 256, messages: [{ role: 'user' as const, content: said }] };
        const created = await client.messages.create(request);
        expect(created).toMatchObject({ type: 'message', role: 'assistant', model, stop_reason: 'end_turn', stop_sequence: null });
        expect(created.id).toMatch(/^msg_/);
        expect(entry.texts).toContain(textOf(created));
        expect(created.usage.input_tokens).toBeGreaterThan(0);
        expect(created.usage.output_tokens).toBeGreaterThan(0);
        const streamed = await client.messages.stream(request).finalMessage();
        expect(streamed).toMatchObject({ type: 'message', model, stop_reason: 'end_turn' });
        expect(entry.texts).toContain(textOf(streamed));
        expect(streamed.usage.input_tokens).toBeGreaterThan(0);
      });
    }
  }

  const toolCases = [
    { type: 'anthropic', model: 'claude-tools', tool: 'weather', answer: toolAnswer, id: weatherToolUseId },
    { type: 'azure', model: 'tools-deployment', tool: 'weather', answer: azureToolAnswer, id: azureToolCallId },
    { type: 'gemini', model: 'gemini-tools', tool: 'weather', answer: geminiToolAnswer, id: undefined },
    { type: 'ollama', model: 'qwen-tools', tool: 'get_temperature', answer: ollamaToolAnswer, id: undefined },
  ];
  for (const entry of toolCases) {
    for (const stream of [false, true]) {
      it(`${entry.type}: a tool round trip (${stream ? 'stream' : 'non-stream'})`, async () => {
        const tools = [{ name: entry.tool, description: 'Weather for a place', input_schema: { type: 'object' as const, properties: { city: { type: 'string' }, location: { type: 'string' } } } }];
        const question = { role: 'user' as const, content: 'What is the weather?' };
        const first = stream
          ? await client.messages.stream({ model: entry.model, max_tokens: 256, tools, messages: [question] }).finalMessage()
          : await client.messages.create({ model: entry.model, max_tokens: 256, tools, messages: [question] });
        expect(first.stop_reason).toBe('tool_use');
        const call = first.content.find((block) => block.type === 'tool_use');
        expect(call).toMatchObject({ type: 'tool_use', name: entry.tool, input: expect.any(Object) });
        if (call?.type !== 'tool_use') throw new Error('no tool_use');
        expect(Object.keys(call.input as object).length).toBeGreaterThan(0);
        if (entry.id !== undefined) expect(call.id).toBe(entry.id);
        const second = await client.messages.create({
          model: entry.model,
          max_tokens: 256,
          tools,
          messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18°C' }] }],
        });
        expect(textOf(second)).toBe(entry.answer);
      });
    }
  }

  it('anthropic: thinking comes with its signature, and goes back unchanged to Anthropic only', async () => {
    for (const stream of [false, true]) {
      const request = { model: 'claude-thinking', max_tokens: 2048, thinking: { type: 'enabled' as const, budget_tokens: 1024 }, messages: [{ role: 'user' as const, content: 'What is 925 / 5?' }] };
      const answer = stream ? await client.messages.stream(request).finalMessage() : await client.messages.create(request);
      expect(answer.content[0]).toEqual({ type: 'thinking', thinking: thinkingText, signature: 'EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv' });
      expect(answer.content[1]).toMatchObject({ type: 'text', text: '925 ÷ 5 = 185' });
    }
    const answer = await client.messages.create({ model: 'claude-thinking', max_tokens: 2048, messages: [{ role: 'user', content: 'What is 925 / 5?' }] });
    const history = [{ role: 'user' as const, content: 'What is 925 / 5?' }, { role: 'assistant' as const, content: answer.content }, { role: 'user' as const, content: 'And times 2?' }];
    await client.messages.create({ model: 'claude-text', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: history });
    const toAnthropic = emulators.anthropic?.received.at(-1)?.body as { messages: Array<{ content: unknown }>; thinking: unknown };
    expect(toAnthropic.messages[1]?.content).toEqual([answer.content[0], { type: 'text', text: '925 ÷ 5 = 185' }]);
    expect(toAnthropic.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    await client.messages.create({ model: 'gpt-4o', max_tokens: 2048, messages: history });
    const toOpenAi = emulators.openai?.received.at(-1)?.body as { messages: unknown[] };
    expect(toOpenAi.messages[1]).toEqual({ role: 'assistant', content: '925 ÷ 5 = 185' });
  });

  it('openai-compatible reasoning (DashScope QwQ) comes as a thinking block without a signature', async () => {
    for (const stream of [false, true]) {
      const request = { model: dashscopeModel, max_tokens: 256, messages: [{ role: 'user' as const, content: 'hi' }] };
      const answer = stream ? await client.messages.stream(request).finalMessage() : await client.messages.create(request);
      expect(answer.content).toEqual([
        { type: 'thinking', thinking: dashscopeReasoning, signature: '' },
        { type: 'text', text: dashscopeText },
      ]);
    }
  });

  it('countTokens answers Sluice’s estimate, marked, for any channel', async () => {
    const request = { model: 'gpt-4o', system: 'Be brief.', messages: [{ role: 'user' as const, content: 'How many tokens is this?' }], tools: [{ name: 'weather', input_schema: { type: 'object' as const } }] };
    const counted = await client.messages.countTokens(request);
    expect(counted.input_tokens).toBeGreaterThan(10);
    const smaller = await client.messages.countTokens({ model: 'gpt-4o', messages: request.messages });
    expect(smaller.input_tokens).toBeLessThan(counted.input_tokens);
    const raw = await client.messages.countTokens(request).asResponse();
    expect(raw.headers.get('x-sluice-estimated')).toBe('true');
  });

  it('lists models in Anthropic’s shape with anthropic-version, and one model by id', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toContain('claude-text');
    expect(page.data[0]).toMatchObject({ type: 'model', display_name: expect.any(String), created_at: expect.any(String) });
    expect(await client.models.retrieve('gpt-4o')).toMatchObject({ type: 'model', id: 'gpt-4o' });
  });
});
