// `--workers 3` (docs/deploy.md "Workers"): one primary process forks three Sluice workers on one
// port, on one real PostgreSQL and one real Redis. Requests are served by several worker processes,
// each its own instance in the registry; a key's rpm stays exact across them; a killed worker is
// replaced; SIGTERM stops them all. Without redis the start is refused with a one-line reason.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerPoolSize } from '../../src/server/run-workers.ts';
import { createDatabase, timeUntil } from './start-instances.ts';
import { getOnNewConnection, sendSpread, spawnSluice, waitUntilServing, type SluiceProcess } from './start-processes.ts';
import { startRedis, type RedisServer } from './start-redis.ts';

const adminKey = 'admin-key-for-the-workers-test';
const rpm = 10;

let redis: RedisServer;
let storeUrl: string;
let primary: SluiceProcess;

function configOf(withRedis: boolean): string {
  return `
store: ${storeUrl}
${withRedis ? `redis: ${redis.url}\nredis_timeout_ms: 2000` : ''}
admin_key: ${adminKey}
keys:
  - { name: rpm, key: sk-workers-rpm, rpm: ${String(rpm)} }
channels:
  - { name: echo, type: echo, models: [echo] }
`;
}

interface InstanceRow { pid: number; self: boolean }

/** GET /admin/api/instances on a fresh connection: the live rows, and which one answered. */
async function listInstances(): Promise<InstanceRow[]> {
  const { status, body } = await getOnNewConnection(primary.url, '/admin/api/instances', adminKey);
  if (status !== 200) throw new Error(`GET /admin/api/instances: ${String(status)} ${body}`);
  return (JSON.parse(body) as { data: InstanceRow[] }).data;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  [redis, storeUrl] = await Promise.all([startRedis(), createDatabase('workers')]);
  // info: the primary's lines about starting and stopping its workers.
  // As bin/sluice.js starts it: re-executed with Node's pool of 4 (a machine of 5+ CPUs) and the variable naming what it added.
  primary = await spawnSluice(configOf(true), ['--workers', '3'], 'info', { nodeArgs: ['--v8-pool-size=4'], env: { SLUICE_ADDED_NODE_FLAGS: '--v8-pool-size=4' } });
  await waitUntilServing(primary, 60_000);
  // Registered is not yet listening: wait until each of the three has answered a request.
  const answered = new Set<number>();
  const all = await timeUntil(async () => {
    const self = (await listInstances()).find((row) => row.self);
    if (self !== undefined) answered.add(self.pid);
    return answered.size === 3;
  }, 60_000, 50);
  if (all === undefined) throw new Error(`three workers did not answer within 60 s:\n${primary.output()}`);
}, 150_000);

afterAll(async () => {
  await primary.stop();
  await redis.stop();
});

describe('three workers on one port', () => {
  it('serves from several worker processes, each its own instance, none of them the primary', async () => {
    const live = await listInstances();
    const workerPids = new Set(live.map((row) => row.pid));
    expect(workerPids.size).toBe(3);
    expect(workerPids.has(primary.child.pid ?? -1)).toBe(false);
    const answered = new Set<number>();
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const self = (await listInstances()).find((row) => row.self);
      if (self !== undefined) answered.add(self.pid);
    }
    expect(answered.size).toBeGreaterThanOrEqual(2);
    for (const pid of answered) expect(workerPids.has(pid)).toBe(true);
  });

  it("starts each worker with V8's pool sized for its share of the cores, not the primary's", async () => {
    const nodeArgsOf = (pid: number): string[] => readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').split('\0');
    expect(nodeArgsOf(primary.child.pid ?? -1)).toContain('--v8-pool-size=4');
    const workers = (await listInstances()).map((row) => row.pid);
    expect(workers).toHaveLength(3);
    // 1 on this 2-core machine: floor(2 / 3) cores each, at least 1 thread.
    const expected = `--v8-pool-size=${String(workerPoolSize(availableParallelism(), 3))}`;
    for (const pid of workers) expect(nodeArgsOf(pid).filter((arg) => arg.startsWith('--v8-pool-size='))).toEqual([expected]);
  });

  it('admits exactly the rpm across the workers: 30 parallel requests, rpm 10 → 10', async () => {
    const clients = Array.from({ length: 3 }, () => primary.client('sk-workers-rpm'));
    const tally = await sendSpread(clients, 30, { model: 'echo', messages: [{ role: 'user', content: 'hi' }] });
    expect(tally).toMatchObject({ admitted: rpm, limited: 30 - rpm });
  });

  it('replaces a worker that was killed', async () => {
    const before = new Set((await listInstances()).map((row) => row.pid));
    const [victim] = [...before] as [number];
    process.kill(victim, 'SIGKILL');
    const replaced = await timeUntil(async () => (await listInstances()).some((row) => !before.has(row.pid)), 60_000, 100);
    expect(replaced, primary.output()).toBeDefined();
    expect(isRunning(victim)).toBe(false);
    expect(primary.output()).toMatch(new RegExp(`worker ${String(victim)} died \\(SIGKILL\\): a new one in 100 ms`));
  });

  it('stops every worker on SIGTERM, then exits 0', async () => {
    const workers = (await listInstances()).map((row) => row.pid).filter(isRunning);
    expect(workers.length).toBeGreaterThanOrEqual(3);
    expect(await primary.stop(), primary.output()).toBe(0);
    expect(workers.filter(isRunning)).toEqual([]);
    expect(primary.output()).toContain('SIGTERM: stopping 3 workers');
    expect(primary.output()).toContain('every worker stopped');
  });
});

describe('workers without redis', () => {
  it('refuse to start, with one line saying why and no stack trace', async () => {
    const refused = await spawnSluice(configOf(false), ['--workers', '3']);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toBe('sluice: --workers 3: needs redis (redis: redis://host:6379/0 or SLUICE_REDIS_URL, with a PostgreSQL store): each worker is a process with its own counters, so without shared state every rpm/tpm limit and max_concurrency would be admitted 3 times; set workers: 1 or configure redis (docs/deploy.md "Workers")\n');
  });
});
