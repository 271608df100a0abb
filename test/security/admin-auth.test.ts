// Issue 11 item 4: a short admin key stops start-up with a message naming `admin_key`, and wrong
// admin keys are slowed per client address: after the limit, 429 with Retry-After, no more key
// checks from that address (not even for the right key), while another address is unaffected.
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.ts';
import { AdminFailures, defaultAdminFailurePolicy } from '../../src/server/admin/admin-failures.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';

const adminKey = 'admin-key-for-brute-force-tests';
const channels = 'channels: [{ name: echo, type: echo, models: [echo] }]';

function problemsOf(yaml: string): readonly string[] {
  try {
    parseConfig(yaml, { file: 'sluice.yaml', env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** GET /admin/api/keys from a chosen local address (any 127.x.y.z reaches a 127.0.0.1 listener on Linux). */
function getKeys(url: string, key: string, localAddress = '127.0.0.1'): Promise<{ status: number; retryAfter: string | undefined; code: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}/admin/api/keys`, { headers: { authorization: `Bearer ${key}` }, localAddress }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => (text += part));
      response.on('end', () => {
        const body = JSON.parse(text) as { error?: { code: string } };
        resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'], code: body.error?.code ?? 'ok' });
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('the admin key length', () => {
  it('refuses `admin_key: "a"` at parse time, naming admin_key and never the value', () => {
    const problems = problemsOf(`admin_key: "abc"\n${channels}`);
    expect(problems).toEqual([expect.stringMatching(/^sluice\.yaml: admin_key: too short \(3 characters\); an admin key needs at least 16/)]);
    expect(problems.join('')).not.toContain('"abc"');
    expect(problemsOf(`admin_key: "${'k'.repeat(16)}"\n${channels}`)).toEqual([]);
  });

  it('stops `npm start` with that message and exit code 1', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'sluice-admin-key-'));
    try {
      const file = join(directory, 'sluice.yaml');
      await writeFile(file, `admin_key: a\nstore: sqlite:${join(directory, 'sluice.db')}\n${channels}\n`);
      const main = new URL('../../src/main.ts', import.meta.url).pathname;
      const failure = await promisify(execFile)(process.execPath, [main, '--config', file, '--port', '0'], { timeout: 15_000 }).then(
        () => undefined,
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain(`sluice: ${file}: admin_key: too short (1 character)`);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('wrong admin keys, counted per client address', () => {
  it('refuses an address after maxFailures in a window, until the window ends, and forgets it on success', () => {
    let now = 0;
    const failures = new AdminFailures(() => now, { maxFailures: 3, windowMs: 60_000, maxClients: 100 });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(failures.retryAfterSeconds('10.0.0.1')).toBeUndefined();
      failures.recordFailure('10.0.0.1');
    }
    expect(failures.retryAfterSeconds('10.0.0.1')).toBe(60);
    expect(failures.retryAfterSeconds('10.0.0.2')).toBeUndefined();
    now = 45_000;
    expect(failures.retryAfterSeconds('10.0.0.1')).toBe(15);
    now = 60_000;
    expect(failures.retryAfterSeconds('10.0.0.1')).toBeUndefined();
    failures.recordFailure('10.0.0.2');
    failures.recordFailure('10.0.0.2');
    failures.recordSuccess('10.0.0.2');
    failures.recordFailure('10.0.0.2');
    expect(failures.retryAfterSeconds('10.0.0.2')).toBeUndefined();
  });

  it('remembers at most maxClients addresses, however many send wrong keys', () => {
    const failures = new AdminFailures(() => 0, { ...defaultAdminFailurePolicy, maxClients: 1000 });
    for (let index = 0; index < 50_000; index += 1) failures.recordFailure(`10.${index >> 16}.${(index >> 8) & 255}.${index & 255}`);
    expect(failures.trackedClients).toBe(1000);
  });
});

describe('an admin key brute force over real sockets', () => {
  let sluice: RunningSluice;
  beforeAll(async () => {
    sluice = await startSluice(parseConfig(`admin_key: ${adminKey}\n${channels}`, { file: 'brute.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  });
  afterAll(async () => {
    await sluice.close();
  });

  it('answers 429 with Retry-After after the limit: 2,000 guesses get only maxFailures key checks', async () => {
    const guesses = 2000;
    const statuses: number[] = [];
    const started = performance.now();
    for (let batch = 0; batch < guesses / 50; batch += 1) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => getKeys(sluice.url, `guess-${batch}-${index}`)));
      statuses.push(...answers.map((answer) => answer.status));
      if (batch === 0) {
        const refused = answers.find((answer) => answer.status === 429);
        expect(refused?.code).toBe('admin_auth_throttled');
        expect(Number(refused?.retryAfter)).toBeGreaterThan(290);
        expect(Number(refused?.retryAfter)).toBeLessThanOrEqual(defaultAdminFailurePolicy.windowMs / 1000);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const checked = statuses.filter((status) => status === 401).length;
    expect(checked).toBe(defaultAdminFailurePolicy.maxFailures);
    expect(statuses.filter((status) => status === 429)).toHaveLength(guesses - defaultAdminFailurePolicy.maxFailures);
    console.info(`admin brute force: ${guesses} guesses in ${seconds.toFixed(1)} s, ${checked} key checks (${(checked / seconds).toFixed(1)}/s)`);
    // The refused address stays refused even with the right key: a guesser learns nothing.
    expect((await getKeys(sluice.url, adminKey)).status).toBe(429);
  });

  it('still lets another address in with the right key, and counts its wrong keys apart', async () => {
    expect((await getKeys(sluice.url, adminKey, '127.0.0.2')).status).toBe(200);
    const wrong = await getKeys(sluice.url, 'a wrong key', '127.0.0.2');
    expect(wrong).toMatchObject({ status: 401, code: 'admin_key_required' });
  });
});
