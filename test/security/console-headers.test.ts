// Issue 11 item 4: the console (/ui) and the admin API send a CSP with frame-ancestors 'none',
// X-Frame-Options DENY, nosniff and no-referrer on every answer, errors included; the static server
// serves only regular files whose real path is inside the build folder (a symlink out is a 404).
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { serveConsole } from '../../src/server/serve-console.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';

const adminKey = 'admin-key-for-header-tests';

function expectHardened(response: Response, what: string): void {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp, what).toMatch(/default-src '(self|none)'/);
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).not.toContain('unsafe-inline');
  expect(response.headers.get('x-frame-options'), what).toBe('DENY');
  expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(response.headers.get('referrer-policy'), what).toBe('no-referrer');
}

describe('the built console served from a folder', () => {
  let directory: string;
  let consoleUrl: string;
  const app = Fastify({ loggerInstance: pino({ level: 'silent' }) });

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'sluice-console-headers-'));
    const dist = join(directory, 'dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><script type="module" src="/ui/assets/app.js"></script><div id="root"></div>');
    await writeFile(join(dist, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(directory, 'outside.txt'), 'a secret outside the build');
    await mkdir(join(directory, 'outside-folder'));
    await writeFile(join(directory, 'outside-folder', 'leak.js'), 'a secret script outside the build');
    // Symlinks inside dist that lead out of it: a file, and a folder.
    await symlink(join(directory, 'outside.txt'), join(dist, 'assets', 'escape.txt'));
    await symlink(join(directory, 'outside-folder'), join(dist, 'linked'));
    // A symlink that stays inside is fine.
    await symlink(join(dist, 'assets', 'app.js'), join(dist, 'alias.js'));
    await mkdir(join(dist, 'folder.js'));
    serveConsole(app, dist);
    consoleUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('sends the hardening headers on the page, an asset, a redirect and a 404', async () => {
    for (const path of ['/ui/', '/ui/logs/req_1', '/ui/assets/app.js', '/ui/assets/missing.js', '/ui', '/']) {
      const response = await fetch(`${consoleUrl}${path}`, { redirect: 'manual' });
      expectHardened(response, path);
    }
  });

  it("lets the console's own script run: script-src allows 'self'", async () => {
    const response = await fetch(`${consoleUrl}/ui/`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('/ui/assets/app.js');
  });

  it('answers 404 for a symlink out of the build folder (a file or a folder), and serves one that stays inside', async () => {
    for (const path of ['/ui/assets/escape.txt', '/ui/linked/leak.js', '/ui/folder.js']) {
      const response = await fetch(`${consoleUrl}${path}`);
      const text = await response.text();
      expect(response.status, path).toBe(404);
      expect(text, path).not.toContain('secret');
      expectHardened(response, path);
    }
    const alias = await fetch(`${consoleUrl}/ui/alias.js`);
    expect(alias.status).toBe(200);
    expect(await alias.text()).toBe('console.log(1)');
  });
});

describe('the admin API and the console of a running Sluice', () => {
  let sluice: RunningSluice;

  beforeAll(async () => {
    const yaml = `
admin_key: ${adminKey}
channels: [{ name: echo, type: echo, models: [echo] }]
`;
    sluice = await startSluice(parseConfig(yaml, { file: 'headers.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  });

  afterAll(async () => {
    await sluice.close();
  });

  it('sends them on admin answers: 200, 401, 404, 400 and an unknown admin route', async () => {
    const calls: Array<[string, string, Record<string, string>, number]> = [
      ['GET', '/admin/api/channels', { authorization: `Bearer ${adminKey}` }, 200],
      ['GET', '/admin/api/channels', {}, 401],
      ['GET', '/admin/api/channels', { authorization: 'Bearer not-the-admin-key' }, 401],
      ['GET', '/admin/api/keys/nope', { authorization: `Bearer ${adminKey}` }, 404],
      ['POST', '/admin/api/keys', { authorization: `Bearer ${adminKey}` }, 400],
      ['GET', '/admin/api/no-such-route', { authorization: `Bearer ${adminKey}` }, 404],
    ];
    for (const [method, path, headers, status] of calls) {
      const response = await fetch(`${sluice.url}${path}`, { method, headers, ...(method === 'POST' ? { body: '{not json' } : {}) });
      expect(response.status, `${method} ${path}`).toBe(status);
      expectHardened(response, `${method} ${path} → ${status}`);
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('sends them on the console, built or not', async () => {
    const response = await fetch(`${sluice.url}/ui/`);
    expect([200, 503]).toContain(response.status);
    expectHardened(response, '/ui/');
  });
});

describe('the admin API when no admin_key is set', () => {
  it('sends them on its 404 admin_api_disabled', async () => {
    const sluice = await startSluice(parseConfig('channels: [{ name: echo, type: echo, models: [echo] }]', { file: 'off.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
    try {
      const response = await fetch(`${sluice.url}/admin/api/channels`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('admin_api_disabled');
      expectHardened(response, 'admin off');
    } finally {
      await sluice.close();
    }
  });
});
