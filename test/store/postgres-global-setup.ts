// vitest globalSetup: one PostgreSQL for the whole run, started before any test file and stopped
// after the last. Tests get its URL through inject('postgres'). If it cannot start, the reason is
// provided instead and the PostgreSQL store suite fails with it: never a silent skip.
// SLUICE_TEST_POSTGRES_URL points the suite at a server of your own instead (it needs the right
// to create databases).
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './start-embedded-postgres.ts';

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
  try {
    const server = await startEmbeddedPostgres();
    project.provide('postgres', { url: server.url, startMs: Math.round(performance.now() - started) });
    return () => server.stop();
  } catch (error) {
    project.provide('postgres', { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}
