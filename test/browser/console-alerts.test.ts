// The console's alerts page (docs/alerts.md): an alert that fired (a channel whose upstream answers
// 503) is listed as firing with its rule, channel and what was measured, in English and in Chinese.
// Sluice in-process with an in-memory store, the built console, Chromium.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { buildConsoleIfStale } from '../../web/scripts/build-if-stale.ts';
import { browserAvailable, launchChromium, openPage, screenshot, warnNoBrowser } from './launch-browser.ts';

const adminKey = 'admin-key-for-alert-tests';
const polling = { timeout: 10_000, interval: 100 };

if (!browserAvailable()) warnNoBrowser();

describe.skipIf(!browserAvailable())('alerts in the console', { timeout: 30_000 }, () => {
  let sluice: RunningSluice;
  let upstream: Server;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    upstream = createServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"overloaded"}}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${String((upstream.address() as AddressInfo).port)}/v1`;
    [browser] = await Promise.all([launchChromium(), buildConsoleIfStale({ quiet: true })]);
    const yaml = `
listen: { host: 127.0.0.1, port: 0 }
admin_key: ${adminKey}
log_level: warn
channels:
  - { name: flaky, type: openai, base_url: "${upstreamUrl}", api_key: k, models: [m] }
retry: { attempts: 1 }
breaker: { min_calls: 1000 }
alerts:
  - { name: flaky-errors, when: { error_rate: 0.5, window_s: 60, min_requests: 2 } }
`;
    sluice = await startSluice(parseConfig(yaml, { file: 'browser.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
    ({ page, problems } = await openPage(context));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sluice?.close();
    upstream?.close();
  });

  it('lists a firing alert with its rule, channel and measurement', async () => {
    for (let index = 0; index < 2; index += 1) {
      await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
    }
    await page.goto(`${sluice.url}/ui/`);
    await page.getByLabel('Admin key', { exact: true }).fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Firing (1)' }).waitFor();
    const firing = page.getByTestId('alerts-firing');
    await expect.poll(() => firing.innerText(), polling).toContain('flaky-errors');
    const text = await firing.innerText();
    expect(text).toContain('firing');
    expect(text).toContain('channel flaky');
    expect(text).toContain('flaky: 2 of 2 upstream attempts failed (100.0%)');
    await expect.poll(() => page.getByText('No alert has resolved since this instance started.').count(), polling).toBe(1);
    await screenshot(page, 'alerts');

    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: '告警中（1）' }).waitFor();
    expect(await firing.innerText()).toContain('渠道 flaky');
    expect(problems).toEqual([]);
  });
});
