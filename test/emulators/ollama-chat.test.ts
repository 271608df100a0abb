import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRaw } from '../support/post-raw.ts';
import type { Emulator } from './emulator-server.ts';
import { startOllamaEmulator } from './ollama-chat.ts';

describe('Ollama emulator', () => {
  let emulator: Emulator;
  let root: string;
  beforeAll(async () => {
    emulator = await startOllamaEmulator();
    root = emulator.url.replace(/\/v1$/, '');
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('streams NDJSON by default, ending with a done line that carries the counts', async () => {
    const answer = await postRaw(`${root}/api/chat`, { model: 'llama-text', messages: [] });
    expect(answer.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = answer.text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(0)).toMatchObject({ model: 'llama3.2', message: { role: 'assistant', content: 'The' }, done: false });
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: 26, eval_count: 282 });
  });

  it('answers one JSON object with stream: false, and tool-call arguments as an object', async () => {
    const answer = await postRaw(`${root}/api/chat`, { model: 'qwen-tools', messages: [], stream: false });
    expect(JSON.parse(answer.text)).toMatchObject({ message: { tool_calls: [{ function: { name: 'get_temperature', arguments: { city: 'New York' } } }] }, done: true });
  });
});
