// The configs a new user starts from (issue 16): sluice.example.yaml at the root starts with no
// outside account and answers an SDK call on its echo channel; every file in examples/ goes through
// the real config parser (the environment variables it names set to dummy values) and sets what
// its header says it is about; examples/README.md lists every one of them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig, type SluiceConfig } from '../../src/config/index.ts';
import { providerTypes, providerTypesWithoutDefaultBaseUrl } from '../../src/providers/registry.ts';
import { startSluice } from '../../src/server/start-sluice.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const examplesDir = join(repoRoot, 'examples');
const exampleFiles = readdirSync(examplesDir).filter((name) => name.endsWith('.yaml')).sort();

/** Every `${NAME}` the file uses (commented lines included: they are what a user uncomments). */
function namedVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1] ?? ''))];
}

/** A URL where the variable holds an address, else a token long enough for any key check. */
function dummyEnvironment(text: string): Record<string, string> {
  return Object.fromEntries(namedVariables(text).map((name) => [name, /URL|RESOURCE/.test(name) ? 'https://upstream.example.invalid/v1' : `dummy-${name.toLowerCase()}-0123456789`]));
}

function parseFile(file: string, text: string, env: Record<string, string>): SluiceConfig {
  return parseConfig(text, { file, env, channelTypes: providerTypes, typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl });
}

/** What each example is about, checked on the parsed config. */
const expectations: Record<string, (config: SluiceConfig) => void> = {
  'xai-stream-options.yaml': (config) => {
    expect(config.channels[0]?.capabilities['grok-2-1212']).toMatchObject({ streamOptions: false });
  },
  'tgi-sse-framing.yaml': (config) => {
    expect(config.channels[0]).toMatchObject({ type: 'openai', baseUrl: 'https://upstream.example.invalid/v1' });
  },
  'dashscope-stream-only.yaml': (config) => {
    expect(config.channels[0]?.capabilities['qwq-*']).toMatchObject({ stream: 'required' });
  },
  'azure-o3-mini.yaml': (config) => {
    expect(config.channels[0]).toMatchObject({ type: 'azure', models: ['o3-mini'] });
    expect(config.channels[0]?.capabilities['o3-mini']).toMatchObject({ stream: 'unsupported' });
  },
  'flaky-upstream.yaml': (config) => {
    expect(config.retry.attempts).toBe(4);
    expect(config.fallbacks).toEqual({ 'gpt-4o': ['gpt-4o-mini'] });
    expect(config.channels.map((channel) => [channel.name, channel.priority])).toEqual([['primary', 0], ['backup', 1]]);
    expect(config.channels[1]?.retry.attempts).toBe(2);
  },
  'anthropic.yaml': (config) => {
    expect(config.channels[0]).toMatchObject({ type: 'anthropic', models: ['claude-*'] });
  },
  'gemini.yaml': (config) => {
    expect(config.channels[0]).toMatchObject({ type: 'gemini', models: ['gemini-*'] });
  },
  'ollama.yaml': (config) => {
    expect(config.channels[0]).toMatchObject({ type: 'ollama', apiKeys: [] });
  },
};

describe('examples/', () => {
  it('holds one config per upstream problem Sluice solves, each listed in examples/README.md', () => {
    expect(exampleFiles).toEqual(Object.keys(expectations).sort());
    const readme = readFileSync(join(examplesDir, 'README.md'), 'utf8');
    for (const file of exampleFiles) expect(readme).toContain(`(${file})`);
  });

  it.each(Object.keys(expectations))('%s parses with the variables it names set, and says the problem first', (file) => {
    const text = readFileSync(join(examplesDir, file), 'utf8');
    expect(text).toMatch(/^# Problem: /);
    expect(text).toContain(`--config examples/${file}`);
    const config = parseFile(`examples/${file}`, text, dummyEnvironment(text));
    expectations[file]?.(config);
  });
});

describe('sluice.example.yaml', () => {
  const text = readFileSync(join(repoRoot, 'sluice.example.yaml'), 'utf8');

  it('starts with no environment variable set and answers an SDK call on echo, stream and not', async () => {
    const config = parseFile('sluice.example.yaml', text, {});
    const sluice = await startSluice(config, { port: 0, store: 'sqlite::memory:', logger: pino({ level: 'silent' }) });
    try {
      const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'unused-while-keyless', maxRetries: 0, timeout: 10_000 });
      const completion = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'first run' }] });
      expect(completion.choices[0]?.message.content).toContain('first run');
      const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'streamed first run' }] });
      let streamed = '';
      for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
      expect(streamed).toContain('streamed first run');
    } finally {
      await sluice.close();
    }
  });

  it('still parses with its commented admin key, keys and channels uncommented and their variables set', () => {
    const uncommented = text.replace(/^(\s*)# (admin_key:|keys:| {2}- \{ name: app|- name:| {2}[a-z_]+:| {4}[a-z0-9-]+: \{|fallbacks:)/gm, '$1$2');
    const config = parseFile('sluice.example.yaml', uncommented, dummyEnvironment(uncommented));
    expect(config.adminKey).toBe('dummy-sluice_admin_key-0123456789');
    expect(config.channels.map((channel) => channel.name)).toEqual(['echo', 'openai', 'xai', 'claude', 'gemini', 'local']);
    expect(config.fallbacks).toEqual({ 'gpt-4o': ['gpt-4o-mini'] });
  });
});
