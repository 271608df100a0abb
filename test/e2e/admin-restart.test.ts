// Issue 4, "a restart on the same SQLite file keeps keys, logs and learned capabilities": a key
// created through the admin API still works after a restart, the first run's rows are still in the
// log, a channel created through the admin API still takes traffic, and a quirk learned in the first run is not learned again — the second run's first request
// costs one upstream call.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startXaiEmulator, xaiModel, xaiText } from '../emulators/xai-rejects-stream-options.ts';
import { createAdminClient, rowsOf } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-restart-tests';

let directory: string;
let xai: Emulator;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sluice-restart-'));
  xai = await startXaiEmulator();
});

afterAll(async () => {
  await xai.close();
  await rm(directory, { recursive: true, force: true });
});

/** One run of Sluice on the same SQLite file; no capability hints, so xAI's quirk must be learned. */
async function runSluice<T>(work: (url: string) => Promise<T>): Promise<T> {
  const yaml = `
store: sqlite:${join(directory, 'sluice.db')}
admin_key: ${adminKey}
channels:
  - { name: xai, type: openai, base_url: ${xai.url}, api_key: sk-xai, models: [${xaiModel}] }
`;
  const sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0 });
  try {
    return await work(sluice.url);
  } finally {
    await sluice.close();
  }
}

async function streamWithUsage(url: string, key: string): Promise<{ text: string; requestId: string }> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
  const { data, response } = await client.chat.completions.create({ model: xaiModel, messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } }).withResponse();
  let text = '';
  for await (const part of data) text += part.choices[0]?.delta.content ?? '';
  return { text, requestId: response.headers.get('x-request-id') ?? '' };
}

describe('a restart on the same SQLite file', () => {
  it('keeps keys, logs, API channels and learned capabilities', async () => {
    const first = await runSluice(async (url) => {
      const admin = createAdminClient(url, adminKey);
      const created = await admin('POST', '/keys', { name: 'survivor', rpm: 100 });
      expect((await admin('POST', '/channels', { name: 'echo-api', type: 'echo', models: ['echo-api'] })).status).toBe(201);
      const key = String(created.body.key);
      const answer = await streamWithUsage(url, key);
      expect(answer.text).toBe(xaiText);
      // Learned on the way: the first call was refused, the second went without stream_options.
      expect(xai.received).toHaveLength(2);
      return { key, requestId: answer.requestId };
    });

    await runSluice(async (url) => {
      const admin = createAdminClient(url, adminKey);
      const before = xai.received.length;
      const answer = await streamWithUsage(url, first.key);
      expect(answer.text).toBe(xaiText);
      expect(xai.received.length - before).toBe(1);
      expect(xai.received.at(-1)?.body).not.toHaveProperty('stream_options');

      expect(rowsOf(await admin('GET', '/keys'))).toEqual([expect.objectContaining({ name: 'survivor', rpm: 100, source: 'api' })]);
      // A channel created through the admin API takes traffic from the start of the next run.
      const echoed = await new OpenAI({ baseURL: `${url}/v1`, apiKey: first.key, maxRetries: 0 }).chat.completions.create({ model: 'echo-api', messages: [{ role: 'user', content: 'still here' }] });
      expect(echoed.choices[0]?.message.content).toBe('still here');
      const firstRow = await admin('GET', `/logs/${first.requestId}`);
      expect(firstRow.body).toMatchObject({ key: 'survivor', adaptations: ['learned:stream_options=false', 'usage-counted-locally'], attempts: [{ status: 400 }, { status: 200 }] });
      const secondRow = await admin('GET', `/logs/${answer.requestId}`);
      expect(secondRow.body).toMatchObject({ adaptations: ['usage-counted-locally'], attempts: [{ status: 200 }] });
      expect(rowsOf(await admin('GET', '/capabilities'))).toEqual([
        expect.objectContaining({ channel: 'xai', model: xaiModel, stream_options: false, evidence: expect.stringContaining('stream_options') }),
      ]);
    });
  });
});
