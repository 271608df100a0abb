import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeStoreSuite } from './suite/describe-store-suite.ts';

const folders: string[] = [];

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

// A file, not :memory:, so the suite also covers WAL and reopening.
describeStoreSuite('sqlite', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'sluice-store-'));
  folders.push(folder);
  return `sqlite:${join(folder, 'sluice.db')}`;
});
