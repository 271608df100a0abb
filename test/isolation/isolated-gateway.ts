// A Sluice with two client keys (A and B) for the isolation tests: what key A does must not change
// what key B gets. Real sockets, real SQLite in memory, the official OpenAI SDK per key.
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { createAdminClient, type AdminCall } from '../support/admin-client.ts';

export interface IsolatedGateway {
  url: string;
  keyA: OpenAI;
  keyB: OpenAI;
  admin: AdminCall;
  close(): Promise<void>;
}

const adminKey = 'isolation-admin-key';

/** `body`: the YAML after `keys:` (channels, retry, breaker, …). */
export async function startIsolatedGateway(body: string): Promise<IsolatedGateway> {
  const yaml = `admin_key: ${adminKey}
log_level: error
keys:
  - { name: a, key: key-a }
  - { name: b, key: key-b }
${body}`;
  const sluice = await startSluice(parseConfig(yaml, { file: 'isolation.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  const client = (apiKey: string): OpenAI => new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey, maxRetries: 0, timeout: 15_000 });
  return { url: sluice.url, keyA: client('key-a'), keyB: client('key-b'), admin: createAdminClient(sluice.url, adminKey), close: () => sluice.close() };
}

/** The status of a call that may fail: 200, or the API error's status. */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    const status: unknown = error instanceof OpenAI.APIError ? error.status : undefined;
    if (typeof status === 'number') return status;
    throw error;
  }
}
