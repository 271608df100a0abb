// src/server/serve-console.ts: the built console at /ui, with content types, caching, the SPA
// fallback, and nothing served from outside the build folder.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveConsole } from '../../src/server/serve-console.ts';

function appFor(directory: string) {
  const app = Fastify({ loggerInstance: pino({ level: 'silent' }) });
  serveConsole(app, directory);
  return app;
}

describe('serving the built console at /ui', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'sluice-console-'));
    await mkdir(join(directory, 'dist', 'assets'), { recursive: true });
    await writeFile(join(directory, 'dist', 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(directory, 'dist', 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(directory, 'secret.txt'), 'not for the web');
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('answers /ui/ and any console route with index.html, never cached', async () => {
    const app = appFor(join(directory, 'dist'));
    for (const url of ['/ui/', '/ui/logs/req_1', '/ui/channels?x=1']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('id="root"');
    }
  });

  it('sends hashed assets with their type, cached for good', async () => {
    const response = await appFor(join(directory, 'dist')).inject({ url: '/ui/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body).toBe('console.log(1)');
  });

  it('answers 404 for a missing file', async () => {
    expect((await appFor(join(directory, 'dist')).inject({ url: '/ui/assets/missing.js' })).statusCode).toBe(404);
  });

  it('serves nothing from outside the build folder', async () => {
    for (const url of ['/ui/../secret.txt', '/ui/..%2Fsecret.txt', '/ui/%2e%2e/secret.txt']) {
      const response = await appFor(join(directory, 'dist')).inject({ url });
      expect(response.body, url).not.toContain('not for the web');
    }
  });

  it('redirects / and /ui to /ui/', async () => {
    const app = appFor(join(directory, 'dist'));
    for (const url of ['/', '/ui']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe('/ui/');
    }
  });

  it('says how to build the console when it is not built', async () => {
    const response = await appFor(join(directory, 'nothing-here')).inject({ url: '/ui/' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build:web');
  });
});
