// The admin API once against a real PostgreSQL (started for the run by
// test/store/postgres-global-setup.ts): keys, the request log with its pages, learned capabilities,
// stats and API channels, across a restart on the same database.
import { Client } from 'pg';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startXaiEmulator, xaiModel } from '../emulators/xai-rejects-stream-options.ts';
import { createAdminClient, eventually, rowsOf } from '../support/admin-client.ts';

const provided = inject('postgres');
if ('error' in provided) throw new Error(`PostgreSQL for the admin suite is not available:\n${provided.error}`);

const adminKey = 'admin-key-for-postgres-tests';
let storeUrl: string;
let xai: Emulator;

beforeAll(async () => {
  const name = `sluice_admin_${process.pid}`;
  const client = new Client({ connectionString: provided.url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(provided.url);
  url.pathname = `/${name}`;
  storeUrl = url.toString();
  xai = await startXaiEmulator();
});

afterAll(async () => {
  await xai.close();
});

async function runSluice(work: (url: string) => Promise<void>): Promise<void> {
  const yaml = `
admin_key: ${adminKey}
channels:
  - { name: xai, type: openai, base_url: ${xai.url}, api_key: sk-xai, models: [${xaiModel}] }
`;
  const sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: storeUrl });
  try {
    await work(sluice.url);
  } finally {
    await sluice.close();
  }
}

describe('the admin API on PostgreSQL', () => {
  it('keeps keys, logs, API channels and learned capabilities across a restart', async () => {
    let key = '';
    await runSluice(async (url) => {
      const admin = createAdminClient(url, adminKey);
      key = String((await admin('POST', '/keys', { name: 'pg', quota_tokens: 100_000 })).body.key);
      expect((await admin('POST', '/channels', { name: 'echo-api', type: 'echo', models: ['echo-api'] })).status).toBe(201);
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
      for (const question of ['one', 'two', 'three']) {
        const stream = await client.chat.completions.create({ model: xaiModel, messages: [{ role: 'user', content: question }], stream: true, stream_options: { include_usage: true } });
        for await (const _part of stream) { /* drain */ }
      }
      await client.chat.completions.create({ model: 'echo-api', messages: [{ role: 'user', content: 'four' }] });
      const pages = [];
      let cursor: string | null = null;
      do {
        const page = await eventually(() => admin('GET', `/logs?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`), (answer) => rowsOf(answer).length > 0);
        pages.push(rowsOf(page));
        cursor = typeof page.body.next_cursor === 'string' ? page.body.next_cursor : null;
      } while (cursor !== null);
      expect(pages.map((page) => page.length)).toEqual([3, 1]);
      expect(pages.flat().map((row): unknown => row.key)).toEqual(['pg', 'pg', 'pg', 'pg']);
      const stats = await admin('GET', '/stats?window=1h');
      expect(rowsOf(stats).find((group) => group.channel === 'xai')).toMatchObject({ requests: 3, errors: 0 });
    });
    await runSluice(async (url) => {
      const admin = createAdminClient(url, adminKey);
      const calls = xai.received.length;
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: xaiModel, messages: [{ role: 'user', content: 'five' }], stream: true, stream_options: { include_usage: true } });
      for await (const _part of stream) { /* drain */ }
      expect(xai.received.length - calls).toBe(1);
      expect((await client.chat.completions.create({ model: 'echo-api', messages: [{ role: 'user', content: 'six' }] })).choices[0]?.message.content).toBe('six');
      expect(rowsOf(await admin('GET', '/capabilities'))).toEqual([expect.objectContaining({ channel: 'xai', stream_options: false })]);
      expect((await admin('DELETE', `/capabilities/xai/${xaiModel}`)).status).toBe(200);
      expect(rowsOf(await admin('GET', '/keys'))[0]).toMatchObject({ name: 'pg', quota_tokens: 100_000, remaining_tokens: expect.any(Number) });
      expect((await admin('GET', '/logs?limit=500')).body.data).toHaveLength(6);
    });
  });
});
