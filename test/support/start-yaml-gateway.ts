// Starts a real Sluice in-process from YAML text (any setting: limits, per-channel timeouts, a
// shutdown deadline), on 127.0.0.1 port 0 with a fresh SQLite file, and an OpenAI SDK client.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/index.ts';
import type { AlertOptions } from '../../src/server/open-alerts.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';

export interface YamlGateway {
  url: string;
  client: OpenAI;
  sluice: RunningSluice;
  /** `sqlite:<path>`, to reopen the store after close. */
  store: string;
  close(): Promise<void>;
}

/** `yaml` is the config without `store:`; the store is a SQLite file in a temporary folder. */
export async function startYamlGateway(yaml: string, options: { shutdownMs?: number; alertOptions?: AlertOptions } = {}): Promise<YamlGateway> {
  const directory = await mkdtemp(join(tmpdir(), 'sluice-security-'));
  const store = `sqlite:${join(directory, 'sluice.db')}`;
  try {
    const config = parseConfig(`store: "${store}"\nlog_level: warn\n${yaml}`, { file: 'test.yaml', env: {} });
    const sluice = await startSluice(config, { port: 0, ...(options.shutdownMs === undefined ? {} : { shutdownMs: options.shutdownMs }), ...(options.alertOptions === undefined ? {} : { alertOptions: options.alertOptions }) });
    const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'anything', maxRetries: 0, timeout: 20_000 });
    let closed = false;
    return {
      url: sluice.url,
      client,
      sluice,
      store,
      close: async () => {
        if (!closed) await sluice.close();
        closed = true;
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/** A chat completion chunk frame with this delta (OpenAI's shape). */
export function chunkFrame(delta: object, finishReason: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
}

/** A whole `chat.completion` with this content. */
export function completionJson(content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
}
