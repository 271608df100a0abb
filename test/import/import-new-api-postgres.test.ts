// `sluice import new-api` from PostgreSQL (the run's real server, test/store/postgres-global-setup.ts),
// tables made with new-api's own shapes (fixtures/new-api-postgres.sql): multi-key channels with a
// disabled key, param/header overrides, soft-deleted and model-limited tokens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { makeImportFolder, openKeyAccess, parseWrittenConfig, runImport, type ImportRun } from './run-import.ts';

const provided = inject('postgres');
if ('error' in provided) throw new Error(`PostgreSQL for the import test is not available:\n${provided.error}`);
const serverUrl = provided.url;

const liveKey = 'NewApi000000000000000000000000000000000000000001';

async function createNewApiDatabase(): Promise<string> {
  const name = `newapi_import_${String(process.pid)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)}`);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(readFileSync(join(import.meta.dirname, 'fixtures/new-api-postgres.sql'), 'utf8'));
    const channel = 'INSERT INTO channels (id, type, key, status, name, weight, base_url, models, "group", model_mapping, priority, channel_info, param_override, header_override, openai_organization, tag) VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)';
    await client.query(channel, [1, 48, 'xai-one\nxai-two\nxai-three', 'grok', 2, '', 'grok,grok-beta', 'default', '{"grok":"grok-2-1212"}', 0, '{"is_multi_key":true,"multi_key_size":3,"multi_key_status_list":{"1":2},"multi_key_mode":"polling"}', '{"stream_options":null}', '{"X-Team":"research","X-Key":"{api_key}"}', 'org-123', 'xai']);
    await client.query(channel, [2, 4, '', 'local llama', 0, 'http://gpu-box:11434', 'llama3.1', 'default', '', 0, '{}', null, null, null, null]);
    await client.query(channel, [3, 43, 'sk-deepseek', 'deepseek', 0, '', 'deepseek-chat', 'default', '', 0, '{}', null, null, null, null]);
    await client.query(channel, [4, 36, 'suno-key', 'suno', 0, '', 'suno_music', 'default', '', 0, '{}', null, null, null, null]);
    const token = 'INSERT INTO tokens (id, user_id, key, status, name, expired_time, remain_quota, unlimited_quota, model_limits_enabled, model_limits, allow_ips, "group", deleted_at) VALUES ($1, 1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11)';
    await client.query(token, [1, liveKey, 'research', 4_102_444_800, 0, true, true, 'grok,deepseek-chat', '', 'vip', null]);
    await client.query(token, [2, 'NewApi000000000000000000000000000000000000000002', 'gone', -1, 0, true, false, '', '', '', new Date(0)]);
    return url.toString();
  } finally {
    await client.end();
  }
}

describe('sluice import new-api from PostgreSQL', () => {
  let run: ImportRun;

  beforeAll(async () => {
    const source = await createNewApiDatabase();
    run = await runImport(await makeImportFolder(), ['new-api', '--from', source]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  });

  afterAll(async () => {
    await run.cleanup();
  });

  it('maps new-api type numbers, multi-key channels without their disabled keys, and overrides', async () => {
    const config = await parseWrittenConfig(run);
    expect(config.channels.map((channel) => channel.name)).toEqual(['grok', 'local llama', 'deepseek']);
    expect(config.channels[0]).toMatchObject({ type: 'openai', baseUrl: 'https://api.x.ai/v1', apiKeys: ['xai-one', 'xai-three'], modelMap: { grok: 'grok-2-1212' }, overrides: { stream_options: null }, headers: { 'X-Team': 'research', 'OpenAI-Organization': 'org-123' }, weight: 2 });
    expect(config.channels[1]).toMatchObject({ type: 'ollama', baseUrl: 'http://gpu-box:11434', apiKeys: [] });
    expect(config.channels[2]).toMatchObject({ type: 'openai', baseUrl: 'https://api.deepseek.com/v1', apiKeys: ['sk-deepseek'] });
  });

  it('stores the live token with its model limits so it authenticates, and skips the deleted one', async () => {
    const { store, access } = await openKeyAccess(run);
    try {
      const caller = await access.authenticate(`Bearer sk-${liveKey}`);
      expect(caller).toMatchObject({ keyName: 'research', models: ['grok', 'deepseek-chat'], remainingTokens: undefined });
      expect((await store.keys.list()).map((key) => key.name)).toEqual(['research']);
      await expect(access.authenticate('Bearer sk-NewApi000000000000000000000000000000000000000002')).rejects.toMatchObject({ code: 'invalid_api_key' });
    } finally {
      await store.close();
    }
  });

  it('reports what new-api had that Sluice does not', () => {
    for (const line of [
      'channel #1 "grok": 1 of 3 keys — disabled in new-api (multi-key status): left out',
      'channel #1 "grok": header_override "X-Key" — not a plain header value',
      'channel #1 "grok": param_override — imported as overrides: a merge patch',
      'channel #1 "grok": tag "xai" — channel tags are labels of their console only',
      'channel #4 "suno": not imported (type 36, Suno)',
      'token #1 "research": group "vip" — Sluice has no user groups',
      'token #2 "gone": not imported — deleted in new-api',
    ]) expect(run.stdout).toContain(line);
  });
});
