// Starts a real Sluice in-process on 127.0.0.1, port 0, from a YAML config written the way an
// operator writes one (snake_case, docs/design.md "Config shape"), and an official OpenAI SDK client
// pointed at it. No part of Sluice is mocked; the upstreams are the emulators.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';

export interface CapabilityHints {
  stream?: 'required' | 'unsupported' | 'supported';
  stream_options?: boolean;
}

export interface ChannelSpec {
  name: string;
  /** Default `openai`. */
  type?: string;
  /** The emulator URL, ending in `/v1`. Not needed for `echo`. */
  baseUrl?: string;
  models: string[];
  modelMap?: Record<string, string>;
  capabilities?: Record<string, CapabilityHints>;
}

export interface Gateway {
  /** `http://127.0.0.1:PORT`, no `/v1`. */
  url: string;
  client: OpenAI;
  yaml: string;
  close(): Promise<void>;
}

function channelEntry(spec: ChannelSpec): Record<string, unknown> {
  return {
    name: spec.name,
    type: spec.type ?? 'openai',
    ...(spec.baseUrl === undefined ? {} : { base_url: spec.baseUrl, api_key: 'test-key' }),
    models: spec.models,
    ...(spec.modelMap === undefined ? {} : { model_map: spec.modelMap }),
    ...(spec.capabilities === undefined ? {} : { capabilities: spec.capabilities }),
  };
}

/** The YAML text for these channels; small retry backoff and timeouts keep a failing test short. */
export function gatewayYaml(channels: readonly ChannelSpec[], storePath: string): string {
  return stringify({
    listen: { host: '127.0.0.1', port: 0 },
    store: `sqlite:${storePath}`,
    log_level: 'warn',
    channels: channels.map(channelEntry),
    retry: { attempts: 3, base_ms: 10, max_ms: 100 },
    timeouts: { connect_ms: 2000, first_byte_ms: 5000, idle_ms: 5000, total_ms: 15000 },
  });
}

export async function startGateway(channels: readonly ChannelSpec[]): Promise<Gateway> {
  const directory = await mkdtemp(join(tmpdir(), 'sluice-e2e-'));
  const yaml = gatewayYaml(channels, join(directory, 'sluice.db'));
  try {
    const config = parseConfig(yaml, { file: 'test.yaml', env: {} });
    const sluice = await startSluice(config, { port: 0 });
    const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'anything', maxRetries: 0, timeout: 15_000 });
    return {
      url: sluice.url,
      client,
      yaml,
      close: async () => {
        await sluice.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
