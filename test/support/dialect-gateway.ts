// A real Sluice in-process on 127.0.0.1, port 0, with one channel of a provider dialect pointed at
// an emulator, and the official OpenAI SDK as its client. Unless the channel says otherwise: one try
// per request and a breaker that stays closed, so each error reaches the client as the upstream sent it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/index.ts';
import { providerTypes, providerTypesWithoutDefaultBaseUrl } from '../../src/providers/registry.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { postRaw } from './post-raw.ts';

export const clientKey = 'sk-test';

export interface DialectGateway {
  /** `http://127.0.0.1:PORT`, no `/v1`. */
  url: string;
  client: OpenAI;
  /** POSTs a chat request with the client key and returns the raw answer. */
  postChat(body: unknown): ReturnType<typeof postRaw>;
  close(): Promise<void>;
}

/** An emulator's root: the provider dialects take base_url without `/v1` (Sluice appends the path). */
export function emulatorRoot(emulator: Emulator): string {
  return emulator.url.replace(/\/v1$/, '');
}

export async function startDialectGateway(channel: Record<string, unknown>): Promise<DialectGateway> {
  const directory = await mkdtemp(join(tmpdir(), 'sluice-dialect-'));
  const yaml = stringify({
    store: `sqlite:${join(directory, 'sluice.db')}`,
    keys: [{ name: 'app', key: clientKey, models: ['*'] }],
    channels: [{ api_key: 'test-key', retry: { attempts: 1 }, breaker: { failures: 1000 }, ...channel }],
  });
  const config = parseConfig(yaml, { file: 'dialect.yaml', env: {}, channelTypes: providerTypes, typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl });
  const sluice = await startSluice(config, { port: 0 });
  return {
    url: sluice.url,
    client: new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: clientKey, maxRetries: 0 }),
    postChat: (body) => postRaw(`${sluice.url}/v1/chat/completions`, body, { authorization: `Bearer ${clientKey}` }),
    close: async () => {
      await sluice.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
