// A production install as a user makes one: a clean copy of the repository (the files git knows),
// `npm ci --omit=dev` from the npm registry, then `npx sluice --help`, `npx sluice check-config` and
// `npm start`. Without devDependencies there is no TypeScript (the server runs from src/ by type
// stripping) and the console is built at `prestart` by Vite, a dependency of the web workspace.
// The install takes 11 to 35 s (warm npm cache, loaded machine), the whole file 60 to 85 s: above the
// ~20 s of other files, and kept anyway, as the one check that a user's install starts; every step
// is bounded (installTimeoutMs, startTimeoutMs) and the file runs beside the others.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';

import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../support/find-free-port.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const installTimeoutMs = 180_000;
const startTimeoutMs = 90_000;
let root: string;
/** This Node first on PATH, as `npm` would find it after installing Node 24. */
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, LOG_LEVEL: 'info', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

function copyRepository(target: string): void {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter((name) => name !== '' && existsSync(join(repoRoot, name)))) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(target, file));
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sluice-production-'));
  copyRepository(root);
  const installed = spawnSync('npm', ['ci', '--omit=dev', '--prefer-offline'], { cwd: root, env, encoding: 'utf8', timeout: installTimeoutMs });
  if (installed.status !== 0) throw new Error(`npm ci --omit=dev failed (${String(installed.status ?? installed.signal)}):\n${installed.stdout}\n${installed.stderr}`);
}, installTimeoutMs + 30_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
}, 60_000);

describe('npm ci --omit=dev', () => {
  it('installs neither TypeScript nor the test tools, but the console build tool', () => {
    expect(existsSync(join(root, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(root, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(root, 'node_modules', 'vite'))).toBe(true);
  });

  it('gives a working `npx sluice` (the bin, with its shebang) that lists the commands and checks a config', () => {
    const help = spawnSync('npx', ['--no-install', 'sluice', '--help'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^ {2}check-config {2}/m);
    writeFileSync(join(root, 'bad.yaml'), 'channels: [{ name: a, type: opneai, models: [m], weight: 0 }]\n');
    const check = spawnSync('npx', ['--no-install', 'sluice', 'check-config', '--config', 'bad.yaml'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    expect(check.status).toBe(1);
    expect(check.stdout).toMatch(/weight: expected a positive number, got 0\n.*type: unknown channel type "opneai"/s);
  }, 120_000);

  it('starts with `npm start`: builds the console at prestart and serves the API and /ui', async () => {
    const port = await findFreePort();
    const child = spawn('npm', ['start', '--', '--port', String(port)], { cwd: root, env, detached: true });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    let exited = false;
    child.once('exit', () => (exited = true));
    try {
      const deadline = Date.now() + startTimeoutMs;
      let ready = false;
      while (!ready && !exited && Date.now() < deadline) {
        ready = await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false);
        if (!ready) await sleep(250);
      }
      expect(ready, `npm start did not answer /healthz:\n${output}`).toBe(true);
      expect(output).toMatch(/built the admin console into web\/dist/);
      const console = await fetch(`http://127.0.0.1:${port}/ui/`);
      expect(console.status).toBe(200);
      expect(await console.text()).toMatch(/<div id="root">/);
      const models = await fetch(`http://127.0.0.1:${port}/v1/models`);
      expect(models.status).toBe(200);
    } finally {
      // npm runs the server as its child: stop the whole group.
      if (child.pid !== undefined && !exited) process.kill(-child.pid, 'SIGTERM');
    }
  }, startTimeoutMs + 30_000);
});
