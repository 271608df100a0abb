// Store failures are loud and lose nothing silently (issue 11, item 6), end to end over real sockets
// with the official SDK: a data folder deleted under a running Sluice, a database that refuses every
// write, a corrupt file at start, and a flood of unauthenticated requests with a huge User-Agent.
//
// "Read-only" here is the database opened read-only (StartOptions.storeReadOnly), which is what
// SQLite itself does when the file is write-protected; the tests run as root, where chmod stops no
// write. Every write then fails as it does after a chmod: "attempt to write a readonly database".
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import OpenAI from 'openai';
import { pino, type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice, type StartOptions } from '../../src/server/start-sluice.ts';
import { createAdminClient, eventually } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-store-failure-tests-0123456789';
const clientKey = 'sk-store-failure-client-key-0123456789';
const echoChannel = 'channels:\n  - { name: echo, type: echo, models: [echo] }\n';

const folders: string[] = [];
const running: RunningSluice[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sluice) => sluice.close()));
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function makeFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'sluice-store-failures-'));
  folders.push(folder);
  return folder;
}

/** A logger whose lines the test can read. */
function captureLogs(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'info', base: null }, { write: (line: string) => lines.push(line) }), lines };
}

async function start(yaml: string, options: StartOptions = {}): Promise<RunningSluice> {
  const sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, ...options });
  running.push(sluice);
  return sluice;
}

async function readMetric(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
}

const ask = (url: string) =>
  new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 }).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] });

describe('the data folder deleted while Sluice runs', () => {
  it('makes /readyz 503 with the reason, and an admin key creation 503 store_unavailable', async () => {
    const data = join(await makeFolder(), 'data');
    const sluice = await start(`store: sqlite:${join(data, 'sluice.db')}\nadmin_key: ${adminKey}\n${echoChannel}`);
    const admin = createAdminClient(sluice.url, adminKey);
    expect((await fetch(`${sluice.url}/readyz`)).status).toBe(200);

    rmSync(data, { recursive: true, force: true });

    const readiness = await fetch(`${sluice.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ ready: false, store: { writable: false, reason: expect.stringMatching(/sluice\.db was deleted while Sluice ran/) } });
    const created = await admin('POST', '/keys', { name: 'would-be-lost' });
    expect(created.status).toBe(503);
    expect(created.body.error).toMatchObject({ code: 'store_unavailable', type: 'server_error', message: expect.stringMatching(/was deleted while Sluice ran/) });
    // Requests are still served; their log rows cannot be kept, and that is counted.
    await ask(sluice.url);
    const dropped = await eventually(() => readMetric(sluice.url, 'sluice_log_rows_dropped_total{reason="store_error"}'), (value) => value >= 1);
    expect(dropped).toBe(1);
  });
});

describe('a database that refuses every write', () => {
  it('counts and logs lost log rows with the database’s own error, fails /readyz and answers admin writes 503', async () => {
    const file = join(await makeFolder(), 'sluice.db');
    const yaml = `store: sqlite:${file}\nadmin_key: ${adminKey}\n${echoChannel}`;
    await (await start(yaml)).close();
    running.pop();
    const { logger, lines } = captureLogs();
    const sluice = await start(yaml, { logger, storeReadOnly: true });

    await Promise.all([ask(sluice.url), ask(sluice.url), ask(sluice.url)]);
    const dropped = await eventually(() => readMetric(sluice.url, 'sluice_log_rows_dropped_total{reason="store_error"}'), (value) => value >= 3);
    expect(dropped).toBe(3);
    const failures = lines.filter((line) => line.includes('request log rows'));
    expect(failures.length).toBeGreaterThan(0);
    for (const line of failures) {
      expect(line).toMatch(/could not write \d request log rows: attempt to write a readonly database/);
      expect(line).not.toContain('cannot rollback');
    }

    const readiness = await fetch(`${sluice.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ ready: false, store: { writable: false, reason: 'attempt to write a readonly database' } });
    const created = await createAdminClient(sluice.url, adminKey)('POST', '/keys', { name: 'would-be-lost' });
    expect(created.status).toBe(503);
    expect(created.body.error).toMatchObject({ code: 'store_unavailable', message: expect.stringContaining('attempt to write a readonly database') });
  });
});

describe('a corrupt database file at start', () => {
  it('stops `npm start` with one line naming the file and what to do, no stack', async () => {
    const folder = await makeFolder();
    const file = join(folder, 'sluice.db');
    writeFileSync(file, 'this was a database once '.repeat(200));
    writeFileSync(join(folder, 'sluice.yaml'), `listen: { port: 0 }\nstore: sqlite:${file}\n${echoChannel}`);
    const started = spawnSync(process.execPath, ['src/main.ts', '--config', join(folder, 'sluice.yaml')], { encoding: 'utf8', timeout: 15_000 });
    expect(started.status).toBe(1);
    expect(started.stderr).toBe(`sluice: store sqlite:${file}: file is not a database — move it aside or restore a backup\n`);
  });
});

describe('a flood of unauthenticated requests', () => {
  it('stores a bounded number of rows per client address, each User-Agent at most 256 characters', async () => {
    const file = join(await makeFolder(), 'sluice.db');
    const sluice = await start(`store: sqlite:${file}\nkeys:\n  - { name: app, key: ${clientKey}, models: ["*"] }\n${echoChannel}`);
    const userAgent = 'f'.repeat(10 * 1024);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const send = () =>
      new Promise<number>((resolve, reject) => {
        const outgoing = request(`${sluice.url}/v1/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'user-agent': userAgent } }, (response) => {
          response.resume();
          response.on('end', () => {
            resolve(response.statusCode ?? 0);
          });
        });
        outgoing.on('error', reject);
        outgoing.end('{"model":"echo","messages":[{"role":"user","content":"hi"}]}');
      });
    const statuses: number[] = [];
    for (let round = 0; round < 20; round += 1) statuses.push(...(await Promise.all(Array.from({ length: 100 }, send))));
    agent.destroy();
    expect(statuses.filter((status) => status === 401)).toHaveLength(2000);
    expect(await readMetric(sluice.url, 'sluice_refusal_rows_suppressed_total')).toBe(1900);
    await sluice.close();
    running.pop();

    const database = new DatabaseSync(file, { readOnly: true });
    const stored = database.prepare('SELECT count(*) AS rows, max(length(user_agent)) AS longest FROM request_logs').get();
    database.close();
    expect(stored).toEqual({ rows: 100, longest: 256 });
  });
});
