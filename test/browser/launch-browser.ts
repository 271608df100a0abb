// Debian's Chromium driven by playwright-core (no browser download: .ci/run installs the `chromium`
// package). The flags are the ones this machine needs: no sandbox as root, and no background
// networking, whose connections the closed network refuses.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env['SLUICE_CHROMIUM'] ?? '/usr/bin/chromium';

/** Written by the tests, ignored by git: a person looks at them. */
export const screenshotDirectory = fileURLToPath(new URL('./screenshots/', import.meta.url));

export function browserAvailable(): boolean {
  return existsSync(chromiumPath);
}

export function warnNoBrowser(): void {
  const line = '!'.repeat(100);
  console.warn(
    [
      line,
      `!!! BROWSER TESTS SKIPPED: no Chromium at ${chromiumPath}.`,
      '!!! Install it with `apt-get update && apt-get install -y chromium` (.ci/run does), or set SLUICE_CHROMIUM.',
      '!!! The admin console at /ui was NOT tested in a browser in this run.',
      line,
    ].join('\n'),
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Every console error and uncaught exception the page produced. */
  problems: string[];
}

export async function openPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const path = `${screenshotDirectory}${name}.png`;
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}
