// The admin console in a real browser (issue 8): sign in, create a channel pointing at an emulator,
// probe it, create a key, call with it, find the request in the log with its SSE transcript, and
// stream in the playground. Sluice runs in-process on port 0 with an in-memory store; the console is
// the built one, served at /ui as in production. Each page leaves a screenshot in ./screenshots/.
import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { buildConsoleIfStale } from '../../web/scripts/build-if-stale.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startXaiEmulator, xaiModel, xaiText } from '../emulators/xai-rejects-stream-options.ts';
import { browserAvailable, launchChromium, openPage, screenshot, warnNoBrowser, type WatchedPage } from './launch-browser.ts';

const adminKey = 'admin-key-for-browser-tests';
const configYaml = `
listen: { host: 127.0.0.1, port: 0 }
admin_key: ${adminKey}
log_level: warn
channels:
  - { name: echo, type: echo, models: [echo] }
retry: { attempts: 2, base_ms: 10, max_ms: 50 }
`;

/** Waits for the page to catch up: expect.poll retries until the text is there. */
const polling = { timeout: 10_000, interval: 100 };

if (!browserAvailable()) warnNoBrowser();

/** A fresh database on the run's PostgreSQL (test/store/postgres-global-setup.ts). */
async function createPostgresStore(): Promise<string> {
  const provided = inject('postgres');
  if ('error' in provided) throw new Error(`PostgreSQL for the browser tests is not available:\n${provided.error}`);
  const name = `sluice_console_${process.pid}`;
  const client = new Client({ connectionString: provided.url });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)}`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(provided.url);
  url.pathname = `/${name}`;
  return url.toString();
}

// The issue asks that the pages work on both stores; the SQLite run's screenshots are the ones at
// the top of screenshots/, the PostgreSQL run's go under screenshots/postgres/.
const stores = [
  { name: 'SQLite', prefix: '', open: () => Promise.resolve('sqlite::memory:') },
  { name: 'PostgreSQL', prefix: 'postgres/', open: createPostgresStore },
];

describe.skipIf(!browserAvailable()).each(stores)('the admin console in Chromium on $name', { timeout: 30_000 }, ({ prefix, open }) => {
  let emulator: Emulator;
  let sluice: RunningSluice;
  let browser: Browser;
  let context: BrowserContext;
  let watched: WatchedPage;
  let page: Page;
  let clientKey = '';
  let requestId = '';

  beforeAll(async () => {
    [emulator, browser] = await Promise.all([startXaiEmulator(), launchChromium(), buildConsoleIfStale({ quiet: true })]).then(([started, launched]) => [started, launched] as const);
    sluice = await startSluice(parseConfig(configYaml, { file: 'browser.yaml', env: {} }), { port: 0, store: await open() });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', colorScheme: 'light' });
    watched = await openPage(context);
    page = watched.page;
    page.setDefaultTimeout(10_000);
  }, 60_000);

  // A failed step leaves a picture of what the browser showed.
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await screenshot(page, `${prefix}failed-${task.name.replaceAll(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await sluice?.close();
    await emulator?.close();
  });

  const goTo = async (label: string): Promise<void> => {
    await page.getByRole('navigation').getByRole('link', { name: label }).click();
  };

  it('signs in with the admin key and shows the dashboard', async () => {
    await page.goto(`${sluice.url}/ui/`);
    await page.getByLabel('Admin key', { exact: true }).fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByTestId('channel-health').getByText('echo').first().waitFor();
    await screenshot(page, prefix + '01-dashboard-empty');
  });

  it('creates a channel pointing at the xAI emulator', async () => {
    await goTo('Channels');
    await expect.poll(() => page.locator('tr[data-channel="echo"]').textContent(), polling).toContain('config · read-only');
    await page.getByRole('button', { name: 'New channel' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('xai');
    await dialog.getByLabel('Base URL', { exact: true }).fill(emulator.url);
    await dialog.getByLabel('API key', { exact: true }).fill('sk-xai-secret-for-browser-test');
    await dialog.getByLabel('Models', { exact: true }).fill(xaiModel);
    await dialog.getByLabel('Debug capture', { exact: true }).check();
    await screenshot(page, prefix + '02-channel-form');
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    await expect.poll(() => page.locator('tr[data-channel="xai"]').textContent(), polling).toContain(xaiModel);
    await expect.poll(() => page.locator('tr[data-channel="xai"]').textContent(), polling).toContain('API');
  });

  it('edits the API channel and leaves the config channel read-only', async () => {
    expect(await page.locator('tr[data-channel="echo"]').getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await page.locator('tr[data-channel="xai"]').getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Weight', { exact: true }).fill('3');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('tr[data-channel="xai"]').textContent(), polling).toContain('0 / 3');
  });

  it('probes the channel and shows the matrix with the upstream’s own words', async () => {
    await page.locator('tr[data-channel="xai"]').getByRole('button', { name: 'Probe' }).click();
    const matrix = page.getByTestId('probe-matrix');
    await matrix.waitFor({ timeout: 15_000 });
    await expect.poll(() => matrix.textContent(), polling).toContain(xaiModel);
    await expect.poll(() => matrix.textContent(), polling).toContain('Argument not supported: stream_options');
    await expect.poll(() => matrix.textContent(), polling).toContain('stream_options: false');
    await screenshot(page, prefix + '03-channel-probe');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('tr[data-channel="xai"]').textContent(), polling).toContain('stream_options: false');
    await screenshot(page, prefix + '04-channels');
  });

  it('forgets the learned capability, so the next call learns it from the upstream again', async () => {
    await page.locator('tr[data-channel="xai"]').getByRole('button', { name: `Forget ${xaiModel}` }).click();
    await expect.poll(() => page.locator('tr[data-channel="xai"]').textContent(), polling).not.toContain('stream_options: false');
  });

  it('creates a key and shows it once', async () => {
    await goTo('Keys');
    await page.getByRole('button', { name: 'New key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('app');
    await dialog.getByLabel('Requests per minute', { exact: true }).fill('600');
    await dialog.getByLabel('Token quota', { exact: true }).fill('100000');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    clientKey = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(clientKey.length).toBeGreaterThan(20);
    await screenshot(page, prefix + '05-key-created');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await expect.poll(() => page.locator('tr[data-key="app"]').textContent(), polling).toContain('active');
    await screenshot(page, prefix + '06-keys');
  });

  it('finds a request made with the key in the log, with its SSE transcript, and replays it', async () => {
    const response = await fetch(`${sluice.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: xaiModel, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Say hello' }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    requestId = response.headers.get('x-request-id') ?? '';
    await goTo('Logs');
    const row = page.locator(`tr[data-request-id="${requestId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => row.textContent(), polling).toContain('app');
    await expect.poll(() => row.textContent(), polling).toContain('stream → stream');
    await screenshot(page, prefix + '07-logs');
    await row.click();
    await page.getByRole('heading', { name: requestId }).waitFor();
    // The upstream refused stream_options; Sluice learned, retried at once, and says why.
    await expect.poll(() => page.getByTestId('adaptations').textContent(), polling).toContain('learned:stream_options=false');
    await expect.poll(() => page.getByTestId('adaptations').textContent(), polling).toContain('Argument not supported: stream_options');
    await expect.poll(() => page.getByTestId('adaptations').textContent(), polling).toContain('usage-counted-locally');
    expect(await page.getByTestId('attempts').locator('li').count()).toBe(2);
    const transcript = page.getByTestId('sse-transcript').first();
    await transcript.waitFor();
    await expect.poll(() => transcript.getByTestId('sse-assembled').textContent(), polling).toBe(xaiText);
    expect(await page.getByText('sk-xai-secret-for-browser-test').count()).toBe(0);
    await screenshot(page, prefix + '08-log-detail');
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await expect.poll(() => page.getByTestId('replay-result').textContent(), polling).toContain('same outcome');
    await expect.poll(() => page.getByTestId('replay-result').textContent(), polling).toContain(xaiText);
  });

  it('streams in the playground beside a non-stream call', async () => {
    await goTo('Playground');
    await page.getByText('Keys are configured').waitFor();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByLabel('Model', { exact: true }).selectOption(xaiModel);
    await page.getByLabel('Prompt', { exact: true }).fill('Say hello');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('result-stream').getByTestId('answer').textContent(), polling).toBe(xaiText);
    await expect.poll(() => page.getByTestId('result-json').getByTestId('answer').textContent(), polling).toBe(xaiText);
    await expect.poll(() => page.getByTestId('result-stream').textContent(), polling).toContain('usage-counted-locally');
    await expect.poll(() => page.getByTestId('result-stream').getByTestId('attempts-count').textContent(), polling).toBe('1');
    await screenshot(page, prefix + '09-playground');
  });

  it('shows the filled dashboard', async () => {
    await goTo('Dashboard');
    await expect.poll(() => page.getByTestId('adaptation-counts').textContent(), polling).toContain('usage-counted-locally');
    await screenshot(page, prefix + '10-dashboard');
  });

  it('reads in Chinese and dark theme on a phone', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    await phone.addInitScript(
      ([key]) => {
        sessionStorage.setItem('sluice.adminKey', key ?? '');
        localStorage.setItem('sluice.theme', 'dark');
        localStorage.setItem('sluice.language', 'zh');
      },
      [adminKey],
    );
    const mobile = await openPage(phone);
    mobile.page.setDefaultTimeout(10_000);
    await mobile.page.goto(`${sluice.url}/ui/`);
    await mobile.page.getByRole('heading', { name: '仪表盘' }).waitFor();
    await mobile.page.getByTestId('adaptation-counts').waitFor();
    await screenshot(mobile.page, prefix + '11-phone-dashboard-zh-dark');
    await mobile.page.goto(`${sluice.url}/ui/logs/${requestId}`);
    await mobile.page.getByTestId('sse-transcript').first().waitFor();
    await screenshot(mobile.page, prefix + '12-phone-log-detail-zh-dark');
    await mobile.page.goto(`${sluice.url}/ui/logs`);
    await mobile.page.locator(`tr[data-request-id="${requestId}"]`).waitFor();
    await screenshot(mobile.page, prefix + '13-phone-logs-zh-dark');
    await mobile.page.goto(`${sluice.url}/ui/channels`);
    await mobile.page.locator('tr[data-channel="xai"]').waitFor();
    await screenshot(mobile.page, prefix + '14-phone-channels-zh-dark');
    expect(mobile.problems).toEqual([]);
    await phone.close();
  });

  it('revokes the key, and Sluice refuses it at once', async () => {
    await goTo('Keys');
    page.once('dialog', (dialog) => {
      void dialog.accept();
    });
    await page.locator('tr[data-key="app"]').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.locator('tr[data-key="app"]').textContent(), polling).toContain('revoked');
    const refused = await fetch(`${sluice.url}/v1/models`, { headers: { authorization: `Bearer ${clientKey}` } });
    expect(refused.status).toBe(401);
  });

  it('signs out and forgets the admin key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin key', { exact: true }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('sluice.adminKey'))).toBeNull();
    await screenshot(page, prefix + '00-sign-in');
  });

  it('logged no console error in the browser', () => {
    expect(watched.problems).toEqual([]);
  });
});
