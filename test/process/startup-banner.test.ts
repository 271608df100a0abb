// A first run that explains itself (issue 16): `npm start` (bin/sluice.js) writes its start-up banner at
// once — address, console URL, store, channels with their models, admin API on/off, the keyless
// warning — not when 4 KiB of request lines have followed it or at shutdown. Read from the child's
// stdout before any request is made, within a bounded time.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../bin/build-if-stale.js';

const repoRoot = join(import.meta.dirname, '..', '..');
/** From spawn to the last banner line; Sluice starts in well under a second when idle. */
const bannerWithinMs = 10_000;
const adminKey = 'banner-test-admin-key-0123456789';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

let cwd: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(() => {
  // What `npm start` does first; done here so the bound below times the start, not a compile.
  buildIfStale();
  cwd = mkdtempSync(join(tmpdir(), 'sluice-banner-'));
}, 120_000);

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Spawns `bin/sluice.js --port 0` with no config file and reads stdout until `last` matches a line, or fails after the bound. */
async function readBanner(env: Record<string, string>, last: RegExp): Promise<LogLine[]> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'sluice.js'), '--port', '0'], { cwd, env: { ...process.env, LOG_LEVEL: 'info', ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no banner within ${bannerWithinMs} ms; stdout so far:\n${stdout}\nstderr:\n${stderr}`));
    }, bannerWithinMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sluice exited (${String(code)}) before its banner:\n${stdout}\n${stderr}`));
    });
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
      const lines = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
      if (lines.some((line) => last.test(line.msg))) {
        clearTimeout(timer);
        resolve(lines);
      }
    });
  });
}

function messages(lines: readonly LogLine[]): string[] {
  return lines.map((line) => line.msg);
}

describe('the start-up banner', () => {
  it('is on stdout at once, before any request: address, console, store, channels, admin API off and how to turn it on, keyless warning', async () => {
    const lines = await readBanner({}, /^No client keys configured/);
    const listening = lines.find((line) => line.msg.startsWith('Sluice listening on '));
    expect(listening).toMatchObject({ config: 'embedded default' });
    const url = String(listening?.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(messages(lines)).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^console: ${url}/ui/`)),
      'store: sqlite ./data/sluice.db',
      'channel echo (echo): echo, echo-*',
      expect.stringMatching(/^admin API off .*SLUICE_ADMIN_KEY=/),
    ]));
    expect(lines.find((line) => line.msg.startsWith('No client keys configured'))?.level).toBe(40);
  });

  it('says the admin API is on when SLUICE_ADMIN_KEY is set with no config file, and the key opens it', async () => {
    const lines = await readBanner({ SLUICE_ADMIN_KEY: adminKey }, /^admin API on /);
    const url = String(lines.find((line) => line.msg.startsWith('Sluice listening on '))?.url);
    const response = await fetch(`${url}/admin/api/channels`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.status).toBe(200);
    expect(JSON.stringify(lines)).not.toContain(adminKey);
  });
});
