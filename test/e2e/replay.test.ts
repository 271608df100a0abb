// Issue 6, replay: a captured request sent through Sluice again, from the admin API and from
// `npm run sluice -- replay`, reproduces the original and reports what differs when the upstream
// now answers differently; a replay is logged like any request.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { openStore } from '../../src/store/index.ts';
import { chatCompletionsOnly, startEmulator, wantsStream, writeJson, type Emulator } from '../emulators/emulator-server.ts';
import { chunkJson, completionJson, deltaChoice, type ChunkIdentity } from '../emulators/openai-chunks.ts';
import { dataFrame, openAiDone, splitWords, writeSse } from '../emulators/sse-writer.ts';
import { createAdminClient, type AdminCall } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-replay-tests';
const identity: ChunkIdentity = { id: 'chatcmpl-replay', created: 1735689600, model: 'm' };

/** An OpenAI-compatible upstream whose answer the test changes between calls. */
async function startMoodyUpstream(answer: () => string): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response) => {
      const text = answer();
      if (!wantsStream(request)) {
        writeJson(response, 200, completionJson(identity, { role: 'assistant', content: text }, 'stop', { usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }));
        return;
      }
      const frames = splitWords(text).map((piece) => dataFrame(chunkJson(identity, [deltaChoice({ content: piece })])));
      await writeSse(response, [...frames, dataFrame(chunkJson(identity, [deltaChoice({}, 'stop')])), openAiDone]);
    }),
  );
}

let directory: string;
let configFile: string;
let moodyAnswer = 'first answer';
let moody: Emulator;
let steady: Emulator;
let sluice: RunningSluice;
let admin: AdminCall;
const ids = { plain: '', streamed: '', uncaptured: '' };

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sluice-replay-'));
  moody = await startMoodyUpstream(() => moodyAnswer);
  steady = await startMoodyUpstream(() => 'steady answer');
  configFile = join(directory, 'sluice.yaml');
  await writeFile(configFile, `
store: sqlite:${join(directory, 'sluice.db')}
admin_key: ${adminKey}
channels:
  - { name: moody, type: openai, base_url: ${moody.url}, api_key: k1, models: [m, quiet], debug: true }
  - { name: steady, type: openai, base_url: ${steady.url}, api_key: k2, models: [m], priority: 1, debug: true }
  - { name: quiet, type: openai, base_url: ${steady.url}, api_key: k3, models: [unseen] }
`);
  sluice = await startSluice(loadConfigFile(configFile, { env: {} }), { port: 0 });
  admin = createAdminClient(sluice.url, adminKey);
  const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'How are you?' }];
  ids.plain = (await client.chat.completions.create({ model: 'm', messages }).withResponse()).response.headers.get('x-request-id') ?? '';
  const streamed = await client.chat.completions.create({ model: 'm', messages, stream: true }).withResponse();
  for await (const _part of streamed.data) { /* drain */ }
  ids.streamed = streamed.response.headers.get('x-request-id') ?? '';
  ids.uncaptured = (await client.chat.completions.create({ model: 'unseen', messages }).withResponse()).response.headers.get('x-request-id') ?? '';
});

afterAll(async () => {
  await sluice.close();
  await moody.close();
  await steady.close();
  await rm(directory, { recursive: true, force: true });
});

describe('POST /admin/api/logs/:request_id/replay', () => {
  it('reproduces a captured request, and logs the replay with its own capture', async () => {
    const replay = await admin('POST', `/logs/${ids.plain}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({
      request_id: ids.plain,
      pinned_channel: null,
      same: true,
      differences: [],
      original: { status: 200, content: 'first answer', finish_reason: 'stop', channel: 'moody', usage: { prompt_tokens: 3, completion_tokens: 2, source: 'upstream' } },
      replay: { status: 200, content: 'first answer', finish_reason: 'stop', channel: 'moody', attempts: [{ channel: 'moody', status: 200 }] },
    });
    expect(replay.headers.get('x-request-id')).toBe(replay.body.replay_request_id);
    const logged = await admin('GET', `/logs/${String(replay.body.replay_request_id)}`);
    expect(logged.body).toMatchObject({ status: 200, channel: 'moody', captured: true });
    expect(JSON.parse(String(logged.body.capture.client_request))).toMatchObject({ model: 'm', messages: [{ content: 'How are you?' }] });
  });

  it('reproduces a streamed request, comparing the text of its transcript', async () => {
    const replay = await admin('POST', `/logs/${ids.streamed}/replay`, {});
    expect(replay.body).toMatchObject({ same: true, original: { content: 'first answer', finish_reason: 'stop' }, replay: { content: 'first answer' } });
  });

  it('reports the difference when the upstream now answers differently', async () => {
    moodyAnswer = 'second answer';
    try {
      const replay = await admin('POST', `/logs/${ids.streamed}/replay`);
      expect(replay.body).toMatchObject({ same: false, differences: [{ field: 'content', original: 'first answer', replay: 'second answer' }] });
    } finally {
      moodyAnswer = 'first answer';
    }
  });

  it('pins the replay to one channel when asked', async () => {
    const replay = await admin('POST', `/logs/${ids.plain}/replay`, { channel: 'steady' });
    expect(replay.body).toMatchObject({ pinned_channel: 'steady', same: false, replay: { channel: 'steady', content: 'steady answer' } });
    expect(replay.body.differences).toEqual([
      { field: 'content', original: 'first answer', replay: 'steady answer' },
      { field: 'channel', original: 'moody', replay: 'steady' },
    ]);
  });

  it('answers 409 for a request that was not captured, 404 for an unknown one', async () => {
    const uncaptured = await admin('POST', `/logs/${ids.uncaptured}/replay`);
    expect(uncaptured.status).toBe(409);
    expect(uncaptured.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('was not captured') });
    expect((await admin('POST', '/logs/req_unknown/replay')).body.error.code).toBe('not_found');
    expect((await admin('POST', `/logs/${ids.plain}/replay`, { channel: 'nowhere' })).body.error).toMatchObject({ code: 'not_found', param: 'channel' });
    expect((await admin('POST', `/logs/${ids.plain}/replay`, { chanel: 'steady' })).status).toBe(400);
  });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/main.ts', ...args], { cwd: join(import.meta.dirname, '../..'), env: { ...process.env, LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (part: Buffer) => (stdout += part.toString()));
    child.stderr.on('data', (part: Buffer) => (stderr += part.toString()));
    child.on('error', reject);
    child.on('close', (code) => { resolve({ code, stdout, stderr }); });
  });
}

describe('npm run sluice -- replay', () => {
  it('prints the comparison and exits 0 when the outcome is the same, 1 when it differs', async () => {
    await sluice.services.logWriter.flush();
    const same = await runCli(['replay', ids.plain, '--config', configFile]);
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    expect(same.stdout).toContain(`Replay of ${ids.plain}`);
    expect(same.stdout).toContain('Same outcome.');
    moodyAnswer = 'changed answer';
    try {
      const different = await runCli(['replay', ids.plain, '--config', configFile]);
      expect(different.code).toBe(1);
      expect(different.stdout).toMatch(/≠ content \(replay\):\n {4}changed answer/);
      expect(different.stdout).toContain('Different: content.');
    } finally {
      moodyAnswer = 'first answer';
    }
    const pinned = await runCli(['replay', ids.plain, '--channel', 'steady', '--config', configFile]);
    expect(pinned.code).toBe(1);
    expect(pinned.stdout).toContain('pinned to channel steady');
  }, 30_000);

  it('logs each replay in the store like any request', async () => {
    const store = await openStore(`sqlite:${join(directory, 'sluice.db')}`);
    try {
      const page = await store.requestLogs.list({ model: 'm' }, { limit: 500 });
      expect(page.rows.filter((row) => row.userAgent === 'sluice replay')).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  it('exits 2 for a request it cannot find or that was not captured', async () => {
    const missing = await runCli(['replay', 'req_missing', '--config', configFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no request req_missing');
    const uncaptured = await runCli(['replay', ids.uncaptured, '--config', configFile]);
    expect(uncaptured.code).toBe(2);
    expect(uncaptured.stderr).toContain('was not captured');
    expect((await runCli(['replay'])).code).toBe(2);
  }, 30_000);
});
