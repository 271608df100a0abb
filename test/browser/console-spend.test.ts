// The console shows spend (docs/cost.md): a priced request's cost on the dashboard, by key, channel
// and model, and in the request log. Sluice in-process with an in-memory store, the built console.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { buildConsoleIfStale } from '../../web/scripts/build-if-stale.ts';
import { browserAvailable, launchChromium, openPage, screenshot, warnNoBrowser } from './launch-browser.ts';

const adminKey = 'admin-key-for-spend-tests';
const polling = { timeout: 10_000, interval: 100 };

if (!browserAvailable()) warnNoBrowser();

describe.skipIf(!browserAvailable())('spend in the console', { timeout: 30_000 }, () => {
  let sluice: RunningSluice;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [browser] = await Promise.all([launchChromium(), buildConsoleIfStale({ quiet: true })]);
    const yaml = `
listen: { host: 127.0.0.1, port: 0 }
admin_key: ${adminKey}
log_level: warn
keys:
  - { name: team-a, key: sk-spend-team-a-01 }
channels:
  - { name: local, type: echo, models: [echo] }
prices:
  echo: { input: 1000, output: 2000 }
`;
    sluice = await startSluice(parseConfig(yaml, { file: 'browser.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
    page = (await openPage(context)).page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sluice?.close();
  });

  it('shows the window\'s spend by key, channel and model, and the cost of a request', async () => {
    const answer = await fetch(`${sluice.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-spend-team-a-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'how much is this' }] }),
    });
    const body = (await answer.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const cost = (body.usage.prompt_tokens * 1000 + body.usage.completion_tokens * 2000) / 1e6;
    const shown = `$${cost.toFixed(2)}`;
    await page.goto(`${sluice.url}/ui/`);
    await page.getByLabel('Admin key', { exact: true }).fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const spend = page.getByTestId('spend');
    await expect.poll(async () => (await spend.count()) > 0 ? spend.innerText() : '', polling).toContain('team-a');
    const text = await spend.innerText();
    expect(text).toContain('local');
    expect(text).toContain(shown);
    await screenshot(page, 'spend-dashboard');
    await page.getByRole('navigation').getByRole('link', { name: 'Logs' }).click();
    await expect.poll(() => page.locator('tbody tr').first().innerText(), polling).toContain(shown);
  });
});
