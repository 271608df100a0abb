// Several Sluice instances in-process on one real PostgreSQL (the run's embedded server,
// test/store/postgres-global-setup.ts; each test file gets its own database) and, when given, one
// Redis: what N instances behind a load balancer look like, on loopback.
import OpenAI from 'openai';
import { Client } from 'pg';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice, type StartOptions } from '../../src/server/start-sluice.ts';
import { defaultRedisClientPolicy } from '../../src/config/defaults.ts';

export interface Instance {
  sluice: RunningSluice;
  client: OpenAI;
  /** Every log line the instance wrote, as JSON. */
  logs: Array<Record<string, unknown>>;
}

export interface Cluster {
  instances: Instance[];
  close(): Promise<void>;
}

/** A fresh database on the run's PostgreSQL, for one test file. */
export async function createDatabase(name: string): Promise<string> {
  const provided = inject('postgres');
  if ('error' in provided) throw new Error(`PostgreSQL for the cluster tests is not available:\n${provided.error}`);
  const client = new Client({ connectionString: provided.url });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)}`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(provided.url);
  url.pathname = `/${name}`;
  return url.toString();
}

function captureLogs(): { logger: pino.Logger; logs: Array<Record<string, unknown>> } {
  const logs: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info', base: null }, stream), logs };
}

/** `count` instances of one config, started one after the other (each syncs the file's keys into the store). */
/**
 * The Redis bounds for tests that assert exact shared counts: a round trip that a loaded test machine
 * can stretch past the 100 ms default would turn a shared decision into a local one (the degraded
 * mode, tested on its own), so exactness tests allow 2 s.
 */
export const patientRedisPolicy = { ...defaultRedisClientPolicy, commandTimeoutMs: 2000 };

export async function startCluster(yaml: string, count: number, apiKey: string, options: Partial<StartOptions> = {}): Promise<Cluster> {
  const instances: Instance[] = [];
  for (let index = 0; index < count; index += 1) {
    const { logger, logs } = captureLogs();
    const sluice = await startSluice(parseConfig(yaml, { file: 'cluster.yaml', env: {} }), { ...options, port: 0, logger, shutdownMs: 1000 });
    instances.push({ sluice, logs, client: new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey, maxRetries: 0 }) });
  }
  return {
    instances,
    async close() {
      await Promise.all(instances.map((instance) => instance.sluice.close()));
    },
  };
}

export interface Tally {
  admitted: number;
  limited: number;
  /** Tokens the admitted requests used, as their answers report. */
  usedTokens: number;
  /** Admitted per instance, in instance order. */
  perInstance: number[];
}

/** `total` requests at once, spread round-robin over the instances; counts 200s and 429s (anything else fails the test). */
export async function sendSpread(instances: readonly Instance[], total: number, body: OpenAI.ChatCompletionCreateParamsNonStreaming): Promise<Tally> {
  const tally: Tally = { admitted: 0, limited: 0, usedTokens: 0, perInstance: instances.map(() => 0) };
  await Promise.all(
    Array.from({ length: total }, async (_, index) => {
      const at = index % instances.length;
      try {
        const completion = await (instances[at] as Instance).client.chat.completions.create(body);
        tally.admitted += 1;
        tally.perInstance[at] = (tally.perInstance[at] ?? 0) + 1;
        tally.usedTokens += completion.usage?.total_tokens ?? 0;
      } catch (error) {
        if (error instanceof OpenAI.APIError && error.status === 429) tally.limited += 1;
        else throw error;
      }
    }),
  );
  return tally;
}
