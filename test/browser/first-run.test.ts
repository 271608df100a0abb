// The console's first minute (issue 16): with the admin API off, the sign-in page says so and how to
// turn it on before any key is typed; with it on and client keys configured, the playground lists
// every model without a client key (from the admin API) and offers to create one, then answers.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { buildConsoleIfStale } from '../../web/scripts/build-if-stale.ts';
import { browserAvailable, launchChromium, openPage, screenshot, warnNoBrowser } from './launch-browser.ts';

const adminKey = 'admin-key-for-first-run-tests';
const channels = 'channels: [{ name: echo, type: echo, models: [echo, "echo-*"], model_map: { parrot: echo } }]';
const polling = { timeout: 10_000, interval: 100 };

if (!browserAvailable()) warnNoBrowser();

async function start(yaml: string): Promise<RunningSluice> {
  return startSluice(parseConfig(`${yaml}\n${channels}`, { file: 'first-run.yaml', env: {} }), { port: 0, store: 'sqlite::memory:', logger: pino({ level: 'silent' }) });
}

describe.skipIf(!browserAvailable())('the console on a first run', { timeout: 30_000 }, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  const running: RunningSluice[] = [];

  beforeAll(async () => {
    [browser] = await Promise.all([launchChromium(), buildConsoleIfStale({ quiet: true })]);
  }, 60_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await screenshot(page, `failed-first-run-${task.name.replaceAll(/\W+/g, '-')}`);
    await context.close();
    await Promise.all(running.splice(0).map((sluice) => sluice.close()));
  });

  afterAll(async () => {
    await browser?.close();
  });

  const open = async (yaml: string): Promise<RunningSluice> => {
    const sluice = await start(yaml);
    running.push(sluice);
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', colorScheme: 'light' });
    ({ page, problems } = await openPage(context));
    page.setDefaultTimeout(10_000);
    return sluice;
  };

  it('says on the sign-in page, before a key is typed, that the admin API is off and how to turn it on', async () => {
    const sluice = await open('');
    await page.goto(`${sluice.url}/ui/`);
    const notice = page.getByTestId('admin-off');
    await notice.waitFor();
    await expect.poll(() => notice.textContent(), polling).toContain('The admin API is off');
    expect(await notice.textContent()).toContain('SLUICE_ADMIN_KEY=$(openssl rand -hex 32) npm start');
    expect(await notice.textContent()).toContain('admin_key: ${SLUICE_ADMIN_KEY}');
    expect(await page.getByLabel('Admin key', { exact: true }).inputValue()).toBe('');
    await screenshot(page, 'first-run-01-admin-off');
    expect(problems).toEqual([]);
  });

  it('lists every model in the playground without a client key, offers to create one, and answers with it', async () => {
    const sluice = await open(`admin_key: ${adminKey}\nkeys: [{ name: app, key: sk-first-run-client-0123456789, models: [echo] }]`);
    await page.goto(`${sluice.url}/ui/`);
    // With the admin API on, no notice once the status request has answered.
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('admin-off').count()).toBe(0);
    await page.getByLabel('Admin key', { exact: true }).fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Playground' }).click();
    const model = page.getByLabel('Model', { exact: true });
    await expect.poll(() => model.locator('option').allTextContents(), polling).toEqual(['echo', 'parrot']);
    expect(await page.getByLabel('Client key', { exact: true }).inputValue()).toBe('');
    await page.getByTestId('needs-key').getByRole('button', { name: 'Create a playground key' }).click();
    await expect.poll(() => page.getByLabel('Client key', { exact: true }).inputValue(), polling).toMatch(/^sk-/);
    await expect.poll(() => page.getByTestId('needs-key').count(), polling).toBe(0);
    await model.selectOption('parrot');
    await page.getByLabel('Prompt', { exact: true }).fill('hello from the first run');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('result-stream').getByTestId('answer').textContent(), polling).toContain('hello from the first run');
    await expect.poll(() => page.getByTestId('result-json').getByTestId('answer').textContent(), polling).toContain('hello from the first run');
    await screenshot(page, 'first-run-02-playground');
    expect(problems).toEqual([]);
  });
});
