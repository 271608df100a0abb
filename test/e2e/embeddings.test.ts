// POST /v1/embeddings with the official SDK: relayed to OpenAI-compatible, Azure and Ollama
// channels, with the same routing, retries and model names as chat.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startOllamaEmbeddings, startOpenAiEmbeddings } from '../emulators/embeddings-upstreams.ts';

let openai: Emulator;
let azure: Emulator;
let ollama: Emulator;
let sluice: RunningSluice;
let client: OpenAI;

beforeAll(async () => {
  [openai, azure, ollama] = await Promise.all([startOpenAiEmbeddings(1), startOpenAiEmbeddings(), startOllamaEmbeddings()]);
  const yaml = `
retry: { attempts: 2, base_ms: 1, max_ms: 5 }
channels:
  - { name: openai, type: openai, base_url: ${openai.url}, api_key: sk-o, models: [text-embedding-3-small], model_map: { small: text-embedding-3-small } }
  - { name: azure, type: azure, base_url: "${azure.url.replace(/\/v1$/, '')}", api_key: az-key, api_version: "2024-10-21", models: [embed-deployment] }
  - { name: ollama, type: ollama, base_url: "${ollama.url.replace(/\/v1$/, '')}", models: [all-minilm] }
  - { name: echo, type: echo, models: [echo] }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'embeddings.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'x', maxRetries: 0 });
});

afterAll(async () => {
  await sluice.close();
  await Promise.all([openai.close(), azure.close(), ollama.close()]);
});

describe('embeddings', () => {
  it('relays to an OpenAI-compatible channel through a retry, under the name the client asked for', async () => {
    const result = await client.embeddings.create({ model: 'small', input: ['one', 'two'], encoding_format: 'float' });
    expect(result.model).toBe('small');
    expect(result.data.map((item) => item.embedding)).toEqual([[0.25, -0.5, 0.125], [0.5, -0.5, 0.125]]);
    expect(result.usage).toEqual({ prompt_tokens: 16, total_tokens: 16 });
    expect(openai.received).toHaveLength(2);
    expect(openai.received[1]?.body).toMatchObject({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    expect(openai.received[1]?.headers.authorization).toBe('Bearer sk-o');
  });

  it("uses Azure's deployment URL and api-key header", async () => {
    const result = await client.embeddings.create({ model: 'embed-deployment', input: 'hello', encoding_format: 'float' });
    expect(result.data[0]?.embedding).toEqual([0.25, -0.5, 0.125]);
    expect(azure.received[0]?.path).toBe('/openai/deployments/embed-deployment/embeddings?api-version=2024-10-21');
    expect(azure.received[0]?.headers['api-key']).toBe('az-key');
  });

  it("turns Ollama's native answer into OpenAI's shape", async () => {
    const result = await client.embeddings.create({ model: 'all-minilm', input: ['a', 'b'], encoding_format: 'float' });
    expect(result).toMatchObject({ object: 'list', model: 'all-minilm', usage: { prompt_tokens: 8, total_tokens: 8 } });
    expect(result.data.map((item) => item.index)).toEqual([0, 1]);
    expect(ollama.received[0]?.path).toBe('/api/embed');
    expect(ollama.received[0]?.body).toEqual({ model: 'all-minilm', input: ['a', 'b'] });
  });

  it('answers 404 for a model no embeddings channel serves, and 400 for a missing input', async () => {
    await expect(client.embeddings.create({ model: 'echo', input: 'x' })).rejects.toMatchObject({ status: 404 });
    const response = await fetch(`${sluice.url}/v1/embeddings`, { method: 'POST', body: JSON.stringify({ model: 'small' }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('input');
  });
});
