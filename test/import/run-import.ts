// Runs `sluice import …` in-process (the command main.ts dispatches) in a fresh folder that holds a
// config naming a SQLite store there, so the keys land in a store the test can open.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImportCommand } from '../../src/cli/import-command.ts';
import { parseCliArgs, parseConfig, type SluiceConfig } from '../../src/config/index.ts';
import { providerTypes, providerTypesWithoutDefaultBaseUrl } from '../../src/providers/registry.ts';
import { createKeyAccess, type KeyAccess } from '../../src/server/authenticate.ts';
import { openStore, type Store } from '../../src/store/index.ts';

export interface ImportRun {
  directory: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The config the import wrote. */
  outPath: string;
  /** `sqlite:<directory>/sluice.db`, named by the config given with --config. */
  store: string;
  cleanup(): Promise<void>;
}

export async function makeImportFolder(): Promise<{ directory: string; store: string; cleanup: () => Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'sluice-import-'));
  const store = `sqlite:${join(directory, 'sluice.db')}`;
  writeFileSync(join(directory, 'existing.yaml'), `store: "${store}"\nchannels:\n  - { name: echo, type: echo, models: [echo] }\n`);
  return { directory, store, cleanup: () => rm(directory, { recursive: true, force: true }) };
}

export async function runImport(folder: { directory: string; store: string; cleanup: () => Promise<void> }, args: string[], out = 'imported.yaml'): Promise<ImportRun> {
  let stdout = '';
  let stderr = '';
  const io = { cwd: folder.directory, env: {}, stdout: (text: string) => { stdout += text; }, stderr: (text: string) => { stderr += text; } };
  const exitCode = await runImportCommand(parseCliArgs(['import', ...args, '--config', 'existing.yaml', '--out', out]), io);
  return { ...folder, exitCode, stdout, stderr, outPath: join(folder.directory, out) };
}

/** The written config through Sluice's own parser, with the channel types of this build. */
export async function parseWrittenConfig(run: ImportRun): Promise<SluiceConfig> {
  const text = await readFile(run.outPath, 'utf8');
  return parseConfig(text, { file: run.outPath, env: {}, channelTypes: providerTypes, typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl });
}

/** Sluice's own key check over the store the import wrote to. */
export async function openKeyAccess(run: ImportRun): Promise<{ store: Store; access: KeyAccess }> {
  const store = await openStore(run.store);
  return { store, access: await createKeyAccess(store.keys) };
}
