// `npm start` runs the compiled server (issue 13: ~35 MB less at rest without type stripping):
// bin/sluice.js builds src/ into dist/ when dist/ does not hold a build of the current sources, then
// runs it. Checked on a copy of the repository in a temp folder, with Node's type stripping turned
// off, so a .ts file loaded by either thread (the request-log thread included) fails the start.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout } from 'node:timers/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../bin/build-if-stale.js';
import { backgroundThreadsFor } from '../../bin/node-flags.js';
import { findFreePort } from '../support/find-free-port.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const clientKey = 'sk-built-server-0123456789';
const poolSizeFlag = `--v8-pool-size=${String(backgroundThreadsFor(availableParallelism()))}`;
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sluice-built-'));
  for (const entry of ['src', 'bin', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    cpSync(join(repoRoot, entry), join(root, entry), { recursive: true });
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

interface Started {
  url: string;
  /** The node options of the process that answers, from /proc (the pid stays when bin/sluice.js re-executes). */
  nodeArgs(): string[];
  exited: Promise<number | null>;
  stop(): void;
  output(): string;
}

/**
 * `node --no-experimental-strip-types bin/sluice.js --config …` in the copy; resolves once /healthz
 * answers (the log lines are buffered, so they cannot say when it listens).
 */
async function startBuiltServer(configFile: string, port: number, env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const entry = join(root, 'bin', 'sluice.js');
  const child = spawn(process.execPath, ['--no-experimental-strip-types', entry, '--config', configFile], { cwd: root, env });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve)).then((code) => (exitCode = code));
  const url = `http://127.0.0.1:${port}`;
  const nodeArgs = (): string[] => {
    const command = readFileSync(`/proc/${String(child.pid)}/cmdline`, 'utf8').split('\0');
    return command.slice(1, command.indexOf(entry));
  };
  const started = { url, nodeArgs, exited, stop: () => child.kill('SIGTERM'), output: () => output };
  for (let attempt = 0; attempt < 250; attempt += 1) {
    if (exitCode !== undefined) throw new Error(`the server exited (${String(exitCode)}) before listening:\n${output}`);
    const answered = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    if (answered) return started;
    await setTimeout(100);
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not answer /healthz within 25 s:\n${output}`);
}

describe('the compiled server', () => {
  it('is built on first start, runs without type stripping, answers, and writes its request log from plain JavaScript', async () => {
    const store = join(root, 'sluice.db');
    const configFile = join(root, 'sluice.yaml');
    const port = await findFreePort();
    writeFileSync(
      configFile,
      `listen: { host: 127.0.0.1, port: ${port} }\nstore: sqlite:${store}\nkeys:\n  - { name: app, key: ${clientKey}, models: ["*"] }\nchannels:\n  - { name: echo, type: echo, models: [echo] }\n`,
    );
    expect(buildIfStale({ root, checkOnly: true })).toBe('stale');

    const server = await startBuiltServer(configFile, port);
    try {
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: clientKey, maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'built and running' }] });
      expect(completion.choices[0]?.message.content).toContain('built and running');
      // bin/node-flags.js: the same process, re-executed with the young generation's size, V8's background
      // threads for the CPUs it may use (the child inherits this process's affinity) and no memory reducer,
      // ahead of node's own options.
      expect(server.nodeArgs()).toEqual(['--max-semi-space-size=16', poolSizeFlag, '--no-memory-reducer', '--no-experimental-strip-types']);
    } finally {
      server.stop();
    }
    expect(await server.exited).toBe(0);
    expect(server.output()).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|\.ts'/);
    const database = new DatabaseSync(store, { readOnly: true });
    try {
      expect(database.prepare('SELECT count(*) AS rows FROM request_logs').get()).toEqual({ rows: 1 });
    } finally {
      database.close();
    }
    expect(readFileSync(join(root, 'dist', 'main.js'), 'utf8')).toContain('from "./config/index.js"');
  }, 30_000);

  it("keeps an operator's own young-generation size from NODE_OPTIONS and adds only the flag it does not set", async () => {
    const configFile = join(root, 'sluice-node-options.yaml');
    const port = await findFreePort();
    writeFileSync(configFile, `listen: { host: 127.0.0.1, port: ${port} }\nstore: sqlite:${join(root, 'node-options.db')}\nchannels:\n  - { name: echo, type: echo, models: [echo] }\n`);
    const server = await startBuiltServer(configFile, port, { ...process.env, NODE_OPTIONS: '--max-semi-space-size=32' });
    try {
      expect(server.nodeArgs()).toEqual([poolSizeFlag, '--no-memory-reducer', '--no-experimental-strip-types']);
    } finally {
      server.stop();
    }
    expect(await server.exited).toBe(0);
  }, 30_000);

  it('counts a build stale when any source changed, by content, whatever the file times say', () => {
    expect(buildIfStale({ root, checkOnly: true })).toBe('fresh');
    const source = join(root, 'src', 'lib', 'match-glob.ts');
    const original = readFileSync(source);
    writeFileSync(source, `${original.toString()}\n// edited\n`);
    utimesSync(source, new Date('2001-01-01'), new Date('2001-01-01'));
    expect(buildIfStale({ root, checkOnly: true })).toBe('stale');
    writeFileSync(source, original);
    expect(buildIfStale({ root, checkOnly: true })).toBe('fresh');
    writeFileSync(join(root, 'src', 'lib', 'new-helper.ts'), 'export const added = 1;\n');
    expect(buildIfStale({ root, checkOnly: true })).toBe('stale');
  });
});
