// `sluice import one-api` from a mysqldump file (fixtures/one-api-mysqldump.sql): MySQL's string
// escapes, a `logs` table in between (skipped, even where its text looks like a tokens INSERT),
// and the two tables' rows through the CREATE TABLE column order.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImportFolder, openKeyAccess, parseWrittenConfig, runImport, type ImportRun } from './run-import.ts';

describe('sluice import one-api from a mysqldump file', () => {
  let run: ImportRun;

  beforeAll(async () => {
    run = await runImport(await makeImportFolder(), ['one-api', '--from', join(import.meta.dirname, 'fixtures/one-api-mysqldump.sql')]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  });

  afterAll(async () => {
    await run.cleanup();
  });

  it('reads the channels with their escaped text intact', async () => {
    const config = await parseWrittenConfig(run);
    expect(config.channels.map((channel) => channel.name)).toEqual(["deep'seek", 'azure east']);
    expect(config.channels[0]).toMatchObject({ type: 'openai', baseUrl: 'https://api.deepseek.com/v1', apiKeys: ['sk-deepseek-one', 'sk-deepseek-two'], weight: 3, modelMap: {} });
    expect(config.channels[1]).toMatchObject({ type: 'azure', apiKeys: ['azure-key-\\1'], apiVersion: '2024-10-21', priority: 1 });
  });

  it('stores the tokens: the limited one with its quota, the subnet-bound one disabled', async () => {
    const { store, access } = await openKeyAccess(run);
    try {
      expect(await access.authenticate('Bearer sk-Dump0000000000000000000000000000000000000000Tok1')).toMatchObject({ keyName: 'mobile app', models: ['deepseek-chat'], remainingTokens: 250_000 });
      await expect(access.authenticate('Bearer sk-Dump0000000000000000000000000000000000000000Tok2')).rejects.toMatchObject({ code: 'invalid_api_key' });
    } finally {
      await store.close();
    }
  });

  it('reports the mapping to a model the channel does not serve, the groups and the unknown type', () => {
    for (const line of [
      'channel #1 "deep\'seek": model_mapping "deepseek-r1" — the channel does not list that model',
      'channel #2 "azure east": group "default,vip"',
      'channel #3 "ernie": not imported (type 15, Baidu)',
      'token #1 "mobile app": remain_quota 250000 ($0.5000)',
      'token #2 "ops": allowed addresses "10.0.0.0/8"',
    ]) expect(run.stdout).toContain(line);
  });
});
