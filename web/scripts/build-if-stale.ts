// Builds the console into web/dist when it is missing or older than its sources, so `npm start`
// (prestart) and the browser tests always serve the current console without rebuilding every time.
// Run directly: `node web/scripts/build-if-stale.ts`.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InlineConfig } from 'vite';

export const webDirectory = fileURLToPath(new URL('..', import.meta.url));
export const distDirectory = join(webDirectory, 'dist');

const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'];

async function newestChange(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestChange(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

async function builtAt(): Promise<number | undefined> {
  try {
    return (await stat(join(distDirectory, 'index.html'))).mtimeMs;
  } catch {
    return undefined;
  }
}

export type BuildOutcome = 'built' | 'fresh' | 'unavailable';

export async function buildConsoleIfStale(options: { quiet?: boolean } = {}): Promise<BuildOutcome> {
  const built = await builtAt();
  const changed = Math.max(...(await Promise.all(sources.map((source) => newestChange(join(webDirectory, source))))));
  if (built !== undefined && built >= changed) return 'fresh';
  let vite: { build: (config: InlineConfig) => Promise<unknown> };
  try {
    vite = await import('vite');
  } catch {
    // An install without the console's build tools (npm ci --omit=dev): serve whatever is built.
    console.warn('sluice: vite is not installed, so the admin console at /ui cannot be built; run `npm ci` to get it.');
    return 'unavailable';
  }
  await vite.build({ root: webDirectory, configFile: join(webDirectory, 'vite.config.ts'), logLevel: options.quiet === true ? 'warn' : 'info' });
  return 'built';
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const outcome = await buildConsoleIfStale({ quiet: true });
    if (outcome === 'built') console.log('sluice: built the admin console into web/dist');
  } catch (error) {
    // The gateway still starts: a console that fails to build must not take the API down with it.
    console.error('sluice: the admin console failed to build; /ui serves the last build, if any.', error);
  }
}
