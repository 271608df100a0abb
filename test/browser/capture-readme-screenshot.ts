// Makes docs/console.png, the console screenshot on the README's first screen, with the browser test
// tooling (Debian's Chromium through playwright-core): Sluice in-process with an echo channel and a
// channel on the xAI emulator (it rejects `stream_options`, so Sluice adapts), the playground after
// one prompt in stream and non-stream mode. Run by hand when the console changes:
//   node test/browser/capture-readme-screenshot.ts
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { buildConsoleIfStale } from '../../web/scripts/build-if-stale.ts';
import { startXaiEmulator, xaiModel, xaiText } from '../emulators/xai-rejects-stream-options.ts';
import { launchChromium, openPage } from './launch-browser.ts';

const target = fileURLToPath(new URL('../../docs/console.png', import.meta.url));
const adminKey = 'admin-key-for-the-readme-screenshot';

const emulator = await startXaiEmulator();
await buildConsoleIfStale({ quiet: true });
const yaml = `admin_key: ${adminKey}
channels:
  - { name: echo, type: echo, models: [echo] }
  - { name: xai, type: openai, base_url: ${emulator.url}, api_key: sk-xai-for-the-screenshot, models: [${xaiModel}] }
`;
const sluice = await startSluice(parseConfig(yaml, { file: 'screenshot.yaml', env: {} }), { port: 0, store: 'sqlite::memory:', logger: pino({ level: 'silent' }) });
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1, locale: 'en-US', colorScheme: 'light' });
  const { page } = await openPage(context);
  page.setDefaultTimeout(10_000);
  await page.goto(`${sluice.url}/ui/`);
  await page.getByLabel('Admin key', { exact: true }).fill(adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Playground' }).click();
  await page.getByLabel('Model', { exact: true }).selectOption(xaiModel);
  await page.getByLabel('Prompt', { exact: true }).fill('Say hello');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByTestId('result-json').getByTestId('answer').getByText(xaiText).waitFor();
  await page.getByTestId('result-stream').getByText('usage-counted-locally').waitFor();
  await page.screenshot({ path: target });
  process.stdout.write(`wrote ${target}\n`);
} finally {
  await browser.close();
  await sluice.close();
  await emulator.close();
}
