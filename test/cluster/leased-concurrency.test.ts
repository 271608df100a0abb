// Channel and key `max_concurrency` across three instances on one PostgreSQL: with Redis the slots
// are leases in one sorted set per channel or key (docs/deploy.md "Leased concurrency"), so the
// upstream never sees more than the cap; without it each instance counts alone and the upstream
// sees up to three times the cap. A client that hangs up gives its slot back at once; the slots of
// an instance that was killed come back when their leases run out, while a live stream longer than
// the lease keeps its slot by the heartbeat.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, patientRedisPolicy, startCluster, type Cluster } from './start-cluster.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const apiKey = 'sk-cluster-leases';
const leaseMs = 1500;

/** A streaming upstream whose answers last the ms the prompt names; counts the streams it holds. */
interface SlowUpstream {
  url: string;
  active: number;
  peak: number;
  close(): Promise<void>;
}

async function startSlowUpstream(): Promise<SlowUpstream> {
  const state = { active: 0, peak: 0 };
  const server: Server = createServer((request, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    request.on('end', () => {
      const parsed = JSON.parse(body) as { messages: Array<{ content: string }> };
      const lastsMs = Number(parsed.messages.at(-1)?.content ?? '300');
      state.active += 1;
      state.peak = Math.max(state.peak, state.active);
      let open = true;
      response.on('close', () => {
        if (open) state.active -= 1;
        open = false;
        clearInterval(ticker);
      });
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: Record<string, unknown>, finish: string | null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      response.write(chunk({ role: 'assistant', content: '' }, null));
      const started = Date.now();
      const ticker = setInterval(() => {
        if (Date.now() - started < lastsMs) {
          response.write(chunk({ content: 'x' }, null));
          return;
        }
        clearInterval(ticker);
        if (open) state.active -= 1;
        open = false;
        response.end(`${chunk({}, 'stop')}data: [DONE]\n\n`);
      }, 50);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${String(port)}/v1`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}

let redis: RedisServer;
let upstream: SlowUpstream;
let storeUrl: string;

beforeAll(async () => {
  redis = await startRedis();
  upstream = await startSlowUpstream();
  storeUrl = await createDatabase(`sluice_cluster_leases_${String(process.pid)}`);
});

afterAll(async () => {
  await upstream.close();
  await redis.stop();
});

function configOf(withRedis: boolean, channelMax: number, port = 0): string {
  return `
listen: { host: 127.0.0.1, port: ${String(port)} }
store: ${storeUrl}
${withRedis ? `redis: ${redis.url}\nredis_lease_ms: ${String(leaseMs)}` : ''}
keys:
  - { name: streams, key: ${apiKey} }
channels:
  - { name: slow, type: openai, base_url: ${upstream.url}, api_key: k, models: [m], max_concurrency: ${String(channelMax)} }
`;
}

async function withCluster(yaml: string, work: (cluster: Cluster) => Promise<void>): Promise<void> {
  const cluster = await startCluster(yaml, 3, apiKey, { redisClientPolicy: patientRedisPolicy });
  try {
    await work(cluster);
  } finally {
    await cluster.close();
  }
}

/** One stream of `lastsMs`, read to its end. */
async function stream(client: OpenAI, lastsMs: number): Promise<void> {
  const chunks = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: String(lastsMs) }] });
  let received = 0;
  for await (const chunk of chunks) received += chunk.choices.length;
  expect(received).toBeGreaterThan(0);
}

/** Sends a stream and resolves when its first chunk arrived: ms it took. */
async function firstChunkMs(client: OpenAI, lastsMs: number, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  const chunks = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: String(lastsMs) }] }, { signal });
  for await (const chunk of chunks) if (chunk.choices.length > 0) break;
  return Date.now() - started;
}

async function leasesHeld(): Promise<number> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    const keys = await client.keys('sluice:slots:channel:*');
    const counts = await Promise.all(keys.map((key) => client.zCard(key)));
    return counts.reduce((sum, count) => sum + count, 0);
  } finally {
    await client.close();
  }
}

async function spread(cluster: Cluster, total: number, lastsMs: number): Promise<void> {
  upstream.peak = 0;
  await Promise.all(Array.from({ length: total }, (_, index) => stream((cluster.instances[index % cluster.instances.length] as Cluster['instances'][number]).client, lastsMs)));
}

describe('channel max_concurrency across three instances', () => {
  it('never lets the upstream see more than the cap with Redis: 30 parallel streams, cap 4', async () => {
    await withCluster(configOf(true, 4), async (cluster) => {
      await spread(cluster, 30, 250);
      expect(upstream.peak).toBe(4);
      expect(await leasesHeld()).toBe(0);
    });
  });

  it('lets the upstream see up to three times the cap without Redis (each instance counts alone)', async () => {
    await withCluster(configOf(false, 4), async (cluster) => {
      await spread(cluster, 30, 250);
      expect(upstream.peak).toBeGreaterThan(4);
    });
  });

  it('gives a slot back at once when the client hangs up', async () => {
    await withCluster(configOf(true, 1), async (cluster) => {
      const [first, second] = cluster.instances;
      if (first === undefined || second === undefined) throw new Error('no instances');
      const hangUp = new AbortController();
      await firstChunkMs(first.client, 10_000, hangUp.signal);
      hangUp.abort();
      // The other instance gets the only slot long before the aborted stream or its lease would end.
      expect(await firstChunkMs(second.client, 100)).toBeLessThan(1000);
    });
  });

  it('keeps a stream longer than the lease on its slot (heartbeat), and frees a killed instance\'s slot when its lease runs out', async () => {
    await withCluster(configOf(true, 1), async (cluster) => {
      const [first, second] = cluster.instances;
      if (first === undefined || second === undefined) throw new Error('no instances');
      const long = stream(first.client, 2.5 * leaseMs);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Waits for the whole stream, well past one lease.
      expect(await firstChunkMs(second.client, 50)).toBeGreaterThan(2 * leaseMs);
      await long;

      const dead = await startChild(configOf(true, 1, await freePort()));
      try {
        await firstChunkMs(dead.client, 60_000);
        dead.kill();
        const waited = await firstChunkMs(second.client, 50);
        expect(waited).toBeGreaterThan(leaseMs / 3);
        expect(waited).toBeLessThan(leaseMs + 1500);
      } finally {
        dead.kill();
        dead.cleanup();
      }
    });
  });
});

async function freePort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Sluice in its own process, so it can be killed (SIGKILL: no release, no heartbeat). */
async function startChild(yaml: string): Promise<{ client: OpenAI; kill(): void; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-lease-'));
  const file = join(dir, 'sluice.yaml');
  writeFileSync(file, yaml);
  const port = /port: (\d+)/.exec(yaml)?.[1] ?? '0';
  const child = spawn(process.execPath, ['src/main.ts', '--config', file], { cwd: join(import.meta.dirname, '../..'), env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const readyBy = Date.now() + 10_000;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    if (ok) break;
    if (Date.now() > readyBy || child.exitCode !== null) throw new Error(`the child Sluice did not start (exit ${String(child.exitCode)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    client: new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 }),
    kill: () => { if (child.exitCode === null) child.kill('SIGKILL'); },
    cleanup: () => { rmSync(dir, { recursive: true, force: true }); },
  };
}
