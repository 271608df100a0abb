// A lighter process (issue 13): packages only some deployments need are loaded when needed, not
// at start. gpt-tokenizer (~43 MB of heap) only when a token must be counted — an upstream without
// usage, or a key with a tpm limit or a quota; pg only for a PostgreSQL store; @redis/client only
// with `shared_state` (test/cluster/ covers that one loaded and used). Node's own bundled undici
// (~3 MB at rest) is not loaded at start either: Sluice's HTTP client is the undici package, and an ES
// import of node:http would load the bundle through its WebSocket getters (server/answer-client-error.ts).
// Nor are the indexes of undici and prom-client, which load their whole surface (~3.8 MB of heap), nor
// @opentelemetry/api, which prom-client's process CPU counters load for exemplars (~0.4 MB), nor
// fastify's schema compilers (ajv, fast-json-stringify: ~1.5 MB), since Sluice gives fastify no schemas.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', 'support', 'report-loaded-packages.ts');
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

interface Report {
  status: number;
  atStart: string[];
  afterRequest: string[];
}

async function runChild(keys: string, key: string): Promise<Report> {
  const folder = await mkdtemp(join(tmpdir(), 'sluice-lazy-'));
  folders.push(folder);
  const yaml = `listen: { host: 127.0.0.1, port: 0 }\nstore: sqlite:${join(folder, 'sluice.db')}\nlog_level: warn\n${keys}channels:\n  - { name: echo, type: echo, models: [echo] }\n`;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [script, key], { timeout: 15_000 }, (error, stdout) => {
      if (error !== null) reject(new Error(`the child failed: ${error.message}`, { cause: error }));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Report);
    });
    child.stdin?.end(yaml);
  });
}

describe('packages loaded on demand', () => {
  it('starts and answers a request whose upstream reports usage without loading the tokenizer, pg, the Redis client, Node\'s bundled undici, the undici and prom-client indexes, @opentelemetry/api or fastify\'s schema compilers', async () => {
    const report = await runChild('keys:\n  - { name: app, key: sk-plain-0123456789, models: ["*"], rpm: 100 }\n', 'sk-plain-0123456789');
    expect(report).toEqual({ status: 200, atStart: [], afterRequest: [] });
  });

  it('loads the tokenizer at start when a key has a tpm limit, since each of its requests counts its prompt', async () => {
    const report = await runChild('keys:\n  - { name: app, key: sk-limited-0123456789, models: ["*"], tpm: 100000 }\n', 'sk-limited-0123456789');
    expect(report).toEqual({ status: 200, atStart: ['gpt-tokenizer'], afterRequest: ['gpt-tokenizer'] });
  });
});
