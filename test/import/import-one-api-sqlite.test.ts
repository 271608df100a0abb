// `sluice import one-api` from a SQLite database made with one-api's own table shapes
// (fixtures/one-api-sqlite.sql): the written config starts Sluice, an imported token authenticates
// with the same `sk-…` the client already has, the channel's keys and model mapping reach the
// upstream, and the report names everything left behind.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { makeImportFolder, parseWrittenConfig, runImport, type ImportRun } from './run-import.ts';

const appKey = 'Abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL';
const expiredKey = 'Expired00000000000000000000000000000000000000000';
const officeKey = 'Office000000000000000000000000000000000000000000';

function createOneApiDatabase(path: string, upstreamRoot: string): void {
  const database = new DatabaseSync(path);
  database.exec(readFileSync(join(import.meta.dirname, 'fixtures/one-api-sqlite.sql'), 'utf8'));
  const channel = database.prepare('INSERT INTO channels (id, type, key, status, name, weight, base_url, models, "group", model_mapping, priority, config, system_prompt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  channel.run(1, 1, 'upstream-key-a\nupstream-key-b', 1, 'openai main', 5, upstreamRoot, 'gpt-4o-mini,gpt-4o', 'default', '{"gpt-4o":"gpt-4o-2024-08-06"}', 10, '', null);
  channel.run(2, 14, 'sk-ant-upstream', 1, 'claude', 0, '', 'claude-3-5-sonnet-20241022', 'default,vip', '', 0, '', null);
  channel.run(3, 1, 'sk-old', 2, 'old openai', 0, '', 'gpt-3.5-turbo', 'default', '', 0, '', null);
  channel.run(4, 15, 'ak|sk', 1, 'ernie', 0, '', 'ERNIE-4.0', 'default', '', 0, '', null);
  channel.run(5, 3, 'azure-upstream', 1, 'azure', 0, 'https://east.openai.azure.com', 'o3-mini', 'default', '', 0, '{"api_version":"2024-10-21"}', null);
  channel.run(6, 1, 'upstream-key-c', 1, 'openai main', 0, `${upstreamRoot}/v1`, 'gpt-4o-mini', 'default', '', 0, '', 'Be brief.');
  const token = database.prepare('INSERT INTO tokens (id, user_id, key, status, name, expired_time, remain_quota, unlimited_quota, models, subnet) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)');
  token.run(1, appKey, 1, 'app', -1, 0, 1, '', '');
  token.run(2, 'Limited0000000000000000000000000000000000000000', 1, 'limited', -1, 500_000, 0, '', '');
  token.run(3, expiredKey, 3, 'expired', 1000, 0, 1, '', '');
  token.run(4, officeKey, 1, 'office', -1, 0, 1, '', '192.168.1.0/24');
  token.run(5, 'Second000000000000000000000000000000000000000000', 1, 'app', -1, 0, 1, 'gpt-4o-mini', '');
  database.close();
}

describe('sluice import one-api from SQLite', () => {
  let upstream: Emulator;
  let run: ImportRun;
  let sluice: RunningSluice;

  beforeAll(async () => {
    upstream = await startOpenAiEmulator();
    const folder = await makeImportFolder();
    const source = join(folder.directory, 'one-api.db');
    createOneApiDatabase(source, upstream.url.replace(/\/v1$/, ''));
    run = await runImport(folder, ['one-api', '--from', source]);
    if (process.env.SHOW_IMPORT === '1') console.log(run.stdout, readFileSync(run.outPath, 'utf8'));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    sluice = await startSluice(await parseWrittenConfig(run), { port: 0 });
  });

  afterAll(async () => {
    await sluice.close();
    await upstream.close();
    await run.cleanup();
  });

  it('writes channels that Sluice parses, in their priority order, with several keys and the model mapping', async () => {
    const config = await parseWrittenConfig(run);
    const byName = new Map(config.channels.map((channel) => [channel.name, channel]));
    expect([...byName.keys()]).toEqual(['openai main-1', 'claude', 'azure', 'openai main-6']);
    const main = byName.get('openai main-1');
    expect(main).toMatchObject({ type: 'openai', baseUrl: upstream.url, apiKeys: ['upstream-key-a', 'upstream-key-b'], models: ['gpt-4o-mini', 'gpt-4o'], modelMap: { 'gpt-4o': 'gpt-4o-2024-08-06' }, priority: 0, weight: 5 });
    // Their priority 10 was tried before 0: Sluice tries the lower number first.
    expect(byName.get('claude')).toMatchObject({ type: 'anthropic', baseUrl: undefined, apiKeys: ['sk-ant-upstream'], priority: 1 });
    expect(byName.get('azure')).toMatchObject({ type: 'azure', baseUrl: 'https://east.openai.azure.com', apiVersion: '2024-10-21' });
    expect(byName.get('openai main-6')?.baseUrl).toBe(upstream.url);
    expect(statSync(run.outPath).mode & 0o777).toBe(0o600);
  });

  it('authenticates an imported token with the sk- key one-api showed, and relays with the channel key and mapped model', async () => {
    const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: `sk-${appKey}`, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello from OpenAI!');
    const received = upstream.received.at(-1);
    expect(received?.body?.model).toBe('gpt-4o-2024-08-06');
    expect(['Bearer upstream-key-a', 'Bearer upstream-key-b']).toContain(received?.headers.authorization);
  });

  it('refuses tokens that were expired, or limited to addresses Sluice cannot check', async () => {
    for (const key of [expiredKey, officeKey]) {
      const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: `sk-${key}`, maxRetries: 0 });
      await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 401 });
    }
  });

  it('keeps a limited balance as a token quota and a token\'s model list', async () => {
    const keys = await sluice.services.store.keys.list();
    const byName = new Map(keys.map((key) => [key.name, key]));
    expect(byName.get('limited')).toMatchObject({ quotaTokens: 500_000, remainingTokens: 500_000, enabled: true, models: ['*'] });
    expect(byName.get('app-5')).toMatchObject({ models: ['gpt-4o-mini'], quotaTokens: undefined, enabled: true });
    expect(byName.get('expired')).toMatchObject({ enabled: false, expiresAt: 1_000_000 });
    expect([...byName.keys()].sort()).toEqual(['app-1', 'app-5', 'expired', 'limited', 'office']);
  });

  it('reports every channel and token field it could not carry over, and why', () => {
    expect(run.stdout).toContain('sluice import one-api: 4 of 6 channels, 5 of 5 tokens imported');
    const expected = [
      'channel #3 "old openai": not imported — disabled in one-api',
      'channel #4 "ernie": not imported (type 15, Baidu) — its API is not OpenAI-compatible',
      'channel #2 "claude": group "default,vip" — Sluice has no user groups',
      'channel #6 "openai main": system_prompt — Sluice does not inject system prompts',
      'token #2 "limited": remain_quota 500000 ($1.0000) — imported as a quota of 500000 tokens',
      'token #3 "expired": imported disabled — expired in one-api',
      'token #4 "office": allowed addresses "192.168.1.0/24" — Sluice keys have no address limit: imported disabled',
      'import: priorities 10, 0 — written as Sluice priorities 0, 1',
      'import: users and their quotas',
    ];
    for (const line of expected) expect(run.stdout).toContain(line);
  });

  it('refuses to write over an existing config, and to read MySQL without a dump', async () => {
    const again = await runImport(run, ['one-api', '--from', join(run.directory, 'one-api.db')]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('imported.yaml exists');
    const mysql = await runImport(run, ['one-api', '--from', 'mysql://root:secret@db/oneapi']);
    expect(mysql.exitCode).toBe(2);
    expect(mysql.stderr).toContain('mysqldump --single-transaction --hex-blob -h HOST -u USER -p DATABASE channels tokens > one-api.sql');
    expect(mysql.stderr).not.toContain('secret');
  });
});
