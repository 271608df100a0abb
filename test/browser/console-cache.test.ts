// The console shows the response cache's hit ratio on the dashboard (docs/caching.md "Console"),
// from GET /admin/api/cache. Sluice in-process with an in-memory store, the built console.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { buildConsoleIfStale } from '../../web/scripts/build-if-stale.ts';
import { browserAvailable, launchChromium, openPage, screenshot, warnNoBrowser } from './launch-browser.ts';

const adminKey = 'admin-key-for-cache-console-tests';
const polling = { timeout: 10_000, interval: 100 };

if (!browserAvailable()) warnNoBrowser();

describe.skipIf(!browserAvailable())('the response cache in the console', { timeout: 30_000 }, () => {
  let sluice: RunningSluice;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [browser] = await Promise.all([launchChromium(), buildConsoleIfStale({ quiet: true })]);
    const yaml = `
listen: { host: 127.0.0.1, port: 0 }
admin_key: ${adminKey}
log_level: warn
channels:
  - { name: local, type: echo, models: [echo] }
cache: { ttl_s: 60 }
`;
    sluice = await startSluice(parseConfig(yaml, { file: 'browser.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
    page = (await openPage(context)).page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sluice?.close();
  });

  it('shows the hit ratio on the dashboard', async () => {
    for (let index = 0; index < 4; index += 1) {
      const answer = await fetch(`${sluice.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'the same question' }] }),
      });
      expect(answer.status).toBe(200);
    }
    await page.goto(`${sluice.url}/ui/`);
    await page.getByLabel('Admin key', { exact: true }).fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const stat = page.getByTestId('cache-hit-ratio');
    await expect.poll(async () => (await stat.count()) > 0 ? stat.innerText() : '', polling).toContain('75%');
    expect(await stat.innerText()).toContain('3 hits of 4 lookups · memory');
    await screenshot(page, 'cache-dashboard');
  });
});
