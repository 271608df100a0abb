// Several Sluice instances in-process on one PostgreSQL database (the run's real PostgreSQL, started
// by test/store/postgres-global-setup.ts), each on its own port, as N instances behind a load
// balancer would run. A fresh database per call, so test files running at once do not see each other.
import { Client } from 'pg';
import OpenAI from 'openai';
import { inject } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice, type StartOptions } from '../../src/server/start-sluice.ts';
import { defaultPropagationPolicy, type PropagationPolicy } from '../../src/server/follow-store-changes.ts';
import { createAdminClient, type AdminCall } from '../support/admin-client.ts';

export const adminKey = 'admin-key-for-cluster-tests';

export interface Instance {
  sluice: RunningSluice;
  admin: AdminCall;
  client(apiKey: string): OpenAI;
}

export function postgresUrl(): string {
  const provided = inject('postgres');
  if ('error' in provided) throw new Error(`PostgreSQL for the cluster tests is not available:\n${provided.error}`);
  return provided.url;
}

let databases = 0;

/** A new, empty database on the run's PostgreSQL; its URL. */
export async function createDatabase(label: string): Promise<string> {
  databases += 1;
  const name = `sluice_${label}_${String(process.pid)}_${String(databases)}`;
  const client = new Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(postgresUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `query` on the database at `url` over a connection of its own. */
export async function queryDatabase<T>(url: string, query: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await query(client);
  } finally {
    await client.end();
  }
}

export function propagation(changes: Partial<PropagationPolicy>): PropagationPolicy {
  return { ...defaultPropagationPolicy, ...changes };
}

export async function startInstance(storeUrl: string, yamlChannels = '[{ name: echo-config, type: echo, models: [echo-config] }]', options: StartOptions = {}): Promise<Instance> {
  const yaml = `
admin_key: ${adminKey}
log_level: warn
channels: ${yamlChannels}
retry: { attempts: 2, base_ms: 10, max_ms: 50 }
`;
  const sluice = await startSluice(parseConfig(yaml, { file: 'cluster.yaml', env: {} }), { port: 0, host: '127.0.0.1', store: storeUrl, ...options });
  return {
    sluice,
    admin: createAdminClient(sluice.url, adminKey),
    client: (apiKey) => new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey, maxRetries: 0, timeout: 10_000 }),
  };
}

/** Calls `attempt` every `everyMs` until it returns true; the ms it took, or undefined past `timeoutMs`. */
export async function timeUntil(attempt: () => Promise<boolean>, timeoutMs: number, everyMs = 5): Promise<number | undefined> {
  const started = performance.now();
  for (;;) {
    if (await attempt().catch(() => false)) return performance.now() - started;
    if (performance.now() - started > timeoutMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Whether `model` answers a chat call on this instance now. */
export async function answers(instance: Instance, apiKey: string, model: string): Promise<boolean> {
  const completion = await instance.client(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'ping' }] });
  return completion.choices[0]?.message.content === 'ping';
}

export function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}
