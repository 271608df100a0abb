import { describe, expect, it } from 'vitest';
import { findConfigWarnings } from './find-config-warnings.ts';
import { parseConfig } from './parse-config.ts';

const typesNeedingApiKey = ['openai', 'azure', 'anthropic', 'gemini'];

function warningsOf(text: string): string[] {
  return findConfigWarnings(parseConfig(text, { file: 'sluice.yaml', env: {} }), { typesNeedingApiKey });
}

describe('findConfigWarnings', () => {
  it('says nothing about a config where every channel has its key and every model a channel', () => {
    const text = [
      'keys: [{ name: app, key: sk-app-0123456789, models: [gpt-4o, "claude-*"] }]',
      'channels:',
      '  - { name: openai, type: openai, api_key: sk-x, models: [gpt-4o], model_map: { fast: gpt-4o-mini } }',
      '  - { name: local, type: echo, models: [echo] }',
      'fallbacks: { gpt-4o: [fast, echo] }',
    ].join('\n');
    expect(warningsOf(text)).toEqual([]);
  });

  it('warns about a channel of a keyed upstream without api_key, but not about a local server or a keyless type', () => {
    const text = [
      'channels:',
      '  - { name: xai, type: openai, base_url: "https://api.x.ai/v1", models: [grok-3] }',
      '  - { name: vllm, type: openai, base_url: "http://127.0.0.1:8000/v1", models: [llama] }',
      '  - { name: tgi, type: openai, base_url: "http://tgi:80/v1", models: [mistral] }',
      '  - { name: lan, type: openai, base_url: "http://192.168.1.20:8000/v1", models: [qwen] }',
      '  - { name: ollama, type: ollama, models: [llama3] }',
      '  - { name: claude, type: anthropic, api_keys: [a, b], models: [claude-3] }',
    ].join('\n');
    expect(warningsOf(text)).toEqual(['channels[0]: channel "xai" (type openai) has no api_key; its upstream will likely answer 401: set api_key or api_keys']);
  });

  it('warns about a fallback model that no channel serves', () => {
    const text = 'channels: [{ name: e, type: echo, models: ["gpt-*"] }]\nfallbacks: { gpt-4o: [gpt-4o-mini, claude-3-haiku] }';
    expect(warningsOf(text)).toEqual(['fallbacks.gpt-4o: fallback model "claude-3-haiku" is served by no channel in the config, so it is never tried']);
  });

  it("warns about a model in a key's allow-list that no channel serves, not about a glob", () => {
    const text = 'keys: [{ name: app, key: sk-app-0123456789, models: [echo, gpt-5, "o*"] }]\nchannels: [{ name: e, type: echo, models: [echo] }]';
    expect(warningsOf(text)).toEqual(['keys[0].models: key "app" may call "gpt-5", which no channel in the config serves (model_not_found)']);
  });
});
