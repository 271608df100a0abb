// `sluice import one-api|new-api --from <sqlite file | postgres://… | mysqldump.sql> [--out FILE]
// [--config FILE]`: reads their `channels` and `tokens` tables, writes a Sluice config with the
// channels (never over an existing file) and the tokens as client keys into the store (--config's,
// else the default), and prints what it could not carry over and why (docs/migration.md).
// Exit status: 0 imported (the report lists what was not), 2 could not import.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { cliUsage, ConfigError, defaultStore, parseConfig, resolveStartupConfig, type CliOptions } from '../config/index.ts';
import { defaultConfigFileName } from '../config/defaults.ts';
import { formatImportReport } from '../import/format-import-report.ts';
import { defaultImportPolicy, type ImportPolicy, type ReportItem } from '../import/import-policy.ts';
import type { KeyEntry } from '../import/map-token.ts';
import { planImport } from '../import/plan-import.ts';
import { readSource, refuseMysqlUrl, SourceError } from '../import/read-source.ts';
import { sourceKinds, type SourceKind } from '../import/source-tables.ts';
import { hidePassword, writeConfigText } from '../import/write-config-text.ts';
import { providerTypes, providerTypesWithoutDefaultBaseUrl } from '../providers/registry.ts';
import { hashKey, isStoreConflictError, openStore, type KeyStore } from '../store/index.ts';
import type { CommandIo } from './replay-command.ts';

export const importExit = { imported: 0, failed: 2 } as const;

export interface ImportCommandOptions {
  policy?: ImportPolicy;
  now?: () => number;
}

export async function runImportCommand(cli: CliOptions, io: CommandIo, options: ImportCommandOptions = {}): Promise<number> {
  const [kind, ...extra] = cli.args;
  if (!isSourceKind(kind) || extra.length > 0 || cli.from === undefined) {
    io.stderr(`sluice: import takes one-api or new-api and --from <source>\n${cliUsage}\n`);
    return importExit.failed;
  }
  try {
    return await importFrom(kind, cli.from, cli, io, options);
  } catch (error) {
    const lines = error instanceof ConfigError ? error.problems : [error instanceof Error ? error.message : String(error)];
    io.stderr(lines.map((line) => `sluice: ${line}\n`).join(''));
    return importExit.failed;
  }
}

function isSourceKind(word: string | undefined): word is SourceKind {
  return (sourceKinds as readonly string[]).includes(word ?? '');
}

async function importFrom(kind: SourceKind, from: string, cli: CliOptions, io: CommandIo, options: ImportCommandOptions): Promise<number> {
  const policy = options.policy ?? defaultImportPolicy;
  const now = options.now ?? Date.now;
  refuseMysqlUrl(from);
  const outPath = resolve(io.cwd, cli.out ?? defaultConfigFileName);
  if (existsSync(outPath)) throw new SourceError(`${outPath} exists: the import writes a new config file; name another with --out FILE`);
  const store = readTargetStore(cli, io);
  const source = isAbsolute(from) || /^[a-z]+:\/\//i.test(from) ? from : resolve(io.cwd, from);
  const plan = planImport(await readSource(source, policy), kind, policy, now());

  let configText: string | undefined;
  if (plan.channels.length > 0) {
    configText = writeConfigText(plan.channels, { kind, source: hidePassword(from), store: store.written, date: new Date(now()) });
    // Checked by Sluice's own parser before anything is written: a config that would not start is a bug here.
    parseConfig(configText, { file: outPath, env: io.env, channelTypes: providerTypes, typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl });
  }
  const storeItems: ReportItem[] = [];
  const opened = await openStore(store.url);
  let keysWritten = 0;
  try {
    for (const key of plan.keys) if (await storeKey(opened.keys, key, storeItems)) keysWritten += 1;
  } finally {
    await opened.close();
  }
  if (configText !== undefined) await writeFile(outPath, configText, { flag: 'wx', mode: 0o600 });
  io.stdout(formatImportReport({ plan, configPath: configText === undefined ? undefined : outPath, store: hidePassword(store.url), keysWritten, storeItems }));
  return importExit.imported;
}

/**
 * The store the keys go to: --config's (its `store:` also goes, as written, into the new config),
 * else the default. A relative SQLite path is taken from the working directory, as at start.
 */
function readTargetStore(cli: CliOptions, io: CommandIo): { url: string; written: string | undefined } {
  if (cli.config === undefined) return { url: resolveSqlitePath(defaultStore, io.cwd), written: undefined };
  const config = resolveStartupConfig(cli, { cwd: io.cwd, env: io.env, channelTypes: providerTypes, typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl });
  // The value as written (`${DATABASE_URL}` stays a reference), from the file resolveStartupConfig just read.
  const raw = config.file === undefined ? undefined : parseDocument(readFileSync(resolve(io.cwd, config.file), 'utf8')).get('store');
  return { url: resolveSqlitePath(config.store, io.cwd), written: typeof raw === 'string' ? raw : undefined };
}

function resolveSqlitePath(url: string, cwd: string): string {
  if (!url.startsWith('sqlite:') || url === 'sqlite::memory:') return url;
  const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
  return `sqlite:${resolve(cwd, path)}`;
}

/** A key stored before (an earlier import) is left as it is; a name already taken gets `-<their id>`. */
async function storeKey(keys: KeyStore, key: KeyEntry, items: ReportItem[]): Promise<boolean> {
  const subject = `token #${String(key.sourceId)} "${key.name}"`;
  if ((await keys.findByHash(hashKey(key.key))) !== undefined) {
    items.push({ subject, what: 'not written', why: 'the store already holds this key (imported before?): left as it is' });
    return false;
  }
  const input = { name: key.name, key: key.key, models: key.models, quotaTokens: key.quotaTokens, expiresAt: key.expiresAt, enabled: key.enabled };
  try {
    await keys.create(input);
    return true;
  } catch (error) {
    if (!isStoreConflictError(error)) throw error;
  }
  const renamed = `${key.name}-${String(key.sourceId)}`;
  items.push({ subject, what: `named "${renamed}"`, why: 'the store already has a key of that name' });
  await keys.create({ ...input, name: renamed });
  return true;
}
