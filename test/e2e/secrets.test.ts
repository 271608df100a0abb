// Issue 4 item 6 / issue 6: no configured secret — a channel's upstream keys, a client key, the
// admin key, a key created through the admin API — shows up anywhere in the SQLite file or in the
// log output, with debug capture on everywhere and upstreams that echo the credentials they got.
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { chatCompletionsOnly, startEmulator, wantsStream, writeJson, type Emulator } from '../emulators/emulator-server.ts';
import { chunkJson, completionJson, deltaChoice } from '../emulators/openai-chunks.ts';
import { dataFrame, openAiDone, writeSse } from '../emulators/sse-writer.ts';
import { createAdminClient, eventually } from '../support/admin-client.ts';

const secrets = {
  channelKey: 'sk-channel-secret-aaaa1111',
  rotatedKey: 'sk-channel-secret-bbbb2222',
  refusedKey: 'sk-refused-secret-cccc3333',
  clientKey: 'sk-client-secret-dddd4444',
  adminKey: 'admin-secret-eeee5555',
};
const identity = { id: 'c1', created: 1, model: 'up' };

/** An upstream that says back the Authorization header it got: in its answer, a header, and its errors. */
function echoCredentials(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response) => {
      const credential = request.headers.authorization ?? '';
      if (credential.includes('refused')) {
        writeJson(response, 401, JSON.stringify({ error: { message: `Incorrect API key provided: ${credential}`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
        return;
      }
      const text = `you sent ${credential}`;
      if (!wantsStream(request)) {
        writeJson(response, 200, completionJson(identity, { role: 'assistant', content: text }, 'stop', {}), { 'x-echo': credential });
        return;
      }
      await writeSse(response, [dataFrame(chunkJson(identity, [deltaChoice({ content: text })])), dataFrame(chunkJson(identity, [deltaChoice({}, 'stop')])), openAiDone], { 'content-type': 'text/event-stream', 'x-echo': credential });
    }),
  );
}

let directory: string;
let upstream: Emulator;
const logOutput: string[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sluice-secrets-'));
  upstream = await echoCredentials();
});

afterAll(async () => {
  await upstream.close();
  await rm(directory, { recursive: true, force: true });
});

async function driveRequests(): Promise<string> {
  const yaml = `
store: sqlite:${join(directory, 'sluice.db')}
admin_key: ${secrets.adminKey}
keys: [{ name: app, key: ${secrets.clientKey} }]
channels:
  - { name: refused, type: openai, base_url: ${upstream.url}, api_key: ${secrets.refusedKey}, models: [m, lonely], debug: true }
  - { name: echo, type: openai, base_url: ${upstream.url}, api_keys: [${secrets.channelKey}, ${secrets.rotatedKey}], models: [m], priority: 1, debug: true }
`;
  const memory = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logOutput.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'trace' }, memory);
  // SLUICE_DEBUG-style: every exchange of every request captured.
  const sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, logger, debug: true });
  try {
    const admin = createAdminClient(sluice.url, secrets.adminKey);
    const created = await admin('POST', '/keys', { name: 'made-here', debug: true });
    const madeKey = String(created.body.key);
    // Every channel of the model refused: the client gets the upstream's words, the key masked.
    const lonely = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${secrets.clientKey}` }, body: JSON.stringify({ model: 'lonely', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(lonely.status).toBe(502);
    expect(await lonely.text()).toContain('Incorrect API key provided: Bearer ***');
    for (const key of [secrets.clientKey, madeKey]) {
      const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: key, maxRetries: 0 });
      const messages = [{ role: 'user' as const, content: 'what did you get?' }];
      await client.chat.completions.create({ model: 'm', messages });
      const stream = await client.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
      for await (const _part of stream) { /* drain */ }
    }
    await createAdminClient(sluice.url, 'a wrong admin key')('GET', '/keys');
    await createAdminClient(sluice.url, secrets.clientKey)('GET', '/channels');
    const rows = await eventually(() => admin('GET', '/logs?limit=10'), (answer) => Array.isArray(answer.body.data) && answer.body.data.length === 5);
    expect(rows.body.data).toHaveLength(5);
    // Newest first: the oldest row is the refused request, the next one a request the echo answered.
    const refused = await admin('GET', `/logs/${String(rows.body.data[4].request_id)}`);
    expect(refused.body.error_message).toContain('Incorrect API key provided: Bearer ***');
    expect(refused.body.capture.attempts[0].response_body).toContain('Incorrect API key provided: Bearer ***');
    const echoed = await admin('GET', `/logs/${String(rows.body.data[3].request_id)}`);
    expect(echoed.body.capture.attempts[0].response_headers['x-echo']).toBe('Bearer ***');
    expect(echoed.body.capture.attempts[0].response_body).toContain('you sent Bearer ***');
    // Channel listings show keys masked, and why a key was refused without the key.
    const channels = JSON.stringify((await admin('GET', '/channels')).body);
    expect(channels).toContain('sk-…1111');
    expect(channels).toContain('sk-…3333');
    expect(channels).toContain('Incorrect API key provided: Bearer ***');
    return madeKey;
  } finally {
    await sluice.close();
  }
}

async function readStoreFiles(): Promise<string> {
  const names = await readdir(directory);
  const contents = await Promise.all(names.map((name) => readFile(join(directory, name))));
  return contents.map((content) => content.toString('latin1')).join('\n');
}

describe('secrets', () => {
  it('appear nowhere in the SQLite file or the log output', async () => {
    const madeKey = await driveRequests();
    const store = await readStoreFiles();
    const logs = logOutput.join('');
    expect(store).toContain('what did you get?');
    expect(logs).toContain('"status":200');
    for (const [name, secret] of Object.entries({ ...secrets, madeKey })) {
      expect(store.includes(secret), `${name} is in the SQLite file`).toBe(false);
      expect(logs.includes(secret), `${name} is in the log output`).toBe(false);
    }
  });
});
