// Issue 11 item 5: every value that authenticates anything is masked wherever it is shown or
// captured — a channel's custom header values (all but a short safe list), a client key created
// through the admin API (from the moment it is created), the admin key — API-created channel secrets
// are sealed at rest when SLUICE_SECRET_KEY is set, and the SQLite files are private (0600).
import { readdir, readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { chatCompletionsOnly, startEmulator, writeJson, type Emulator } from '../emulators/emulator-server.ts';
import { completionJson } from '../emulators/openai-chunks.ts';
import { createAdminClient, eventually, rowsOf, type AdminCall } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-secrets-masking';
const customToken = 'custom-header-token-7777';
const apiChannelKey = 'sk-api-channel-key-8888';
const apiHeaderToken = 'api-channel-header-9999';
const secretKey = 'a-long-operator-secret-key-for-sealing';

/** An upstream that says back the credentials it got, in its answer and in a header. */
function echoCredentials(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly((request, response) => {
      const got = `auth=${String(request.headers.authorization)} token=${String(request.headers['x-custom-token'])}`;
      writeJson(response, 200, completionJson({ id: 'c1', created: 1, model: 'up' }, { role: 'assistant', content: got }, 'stop', {}), { 'x-echo': got });
    }),
  );
}

let directory: string;
let upstream: Emulator;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sluice-secrets-masking-'));
  upstream = await echoCredentials();
});

afterAll(async () => {
  await upstream.close();
  await rm(directory, { recursive: true, force: true });
});

function configFor(store: string) {
  const yaml = `
store: sqlite:${store}
admin_key: ${adminKey}
channels:
  - name: custom
    type: openai
    base_url: ${upstream.url}
    api_key: sk-config-channel-key-6666
    models: [m]
    debug: true
    headers: { X-Custom-Token: ${customToken}, User-Agent: sluice-test-agent }
`;
  return parseConfig(yaml, { file: 'secrets.yaml', env: {} });
}

async function lastCapture(admin: AdminCall): Promise<string> {
  const rows = await eventually(() => admin('GET', '/logs?limit=1'), (answer) => rowsOf(answer)[0]?.captured === true);
  const detail = await admin('GET', `/logs/${String(rowsOf(rows)[0]?.request_id)}`);
  expect(detail.body.capture).toBeDefined();
  return JSON.stringify(detail.body.capture);
}

describe('secrets shown and captured', () => {
  it('masks a custom header value in GET /channels and in a capture, keeping safe headers readable', async () => {
    const sluice = await startSluice(configFor(join(directory, 'masking.db')), { port: 0, env: {} });
    try {
      const admin = createAdminClient(sluice.url, adminKey);
      const channels = JSON.stringify((await admin('GET', '/channels')).body);
      expect(channels).not.toContain(customToken);
      expect(channels).toContain('sluice-test-agent');

      const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'what did you get?' }] });
      // The upstream did get the real value: masking is only in what Sluice shows and keeps.
      expect(answer.choices[0]?.message.content).toContain(customToken);
      const capture = await lastCapture(admin);
      expect(capture).toContain('X-Custom-Token');
      expect(capture).not.toContain(customToken);
      expect(capture).toContain('sluice-test-agent');
    } finally {
      await sluice.close();
    }
  });

  it('masks a client key created through the admin API, pasted into a prompt, in the later capture', async () => {
    const sluice = await startSluice(configFor(join(directory, 'pasted.db')), { port: 0, env: {} });
    try {
      const admin = createAdminClient(sluice.url, adminKey);
      const created = await admin('POST', '/keys', { name: 'made-here' });
      const madeKey = String(created.body.key);
      const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: madeKey, maxRetries: 0 });
      const prompt = `my key is ${madeKey} and the admin key is ${adminKey}, keep them safe`;
      await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: prompt }] });
      const capture = await lastCapture(admin);
      expect(capture).toContain('keep them safe');
      expect(capture).not.toContain(madeKey);
      expect(capture).not.toContain(adminKey);
    } finally {
      await sluice.close();
    }
  });
});

describe('secrets at rest', () => {
  const channel = { name: 'made', type: 'openai', base_url: '', api_key: apiChannelKey, models: ['made-model'], headers: { 'X-Custom-Token': apiHeaderToken } };

  async function storeBytes(prefix: string): Promise<string> {
    const names = (await readdir(directory)).filter((name) => name.startsWith(prefix));
    return (await Promise.all(names.map((name) => readFile(join(directory, name))))).map((bytes) => bytes.toString('latin1')).join('\n');
  }

  it('seals an API channel’s key and header values with SLUICE_SECRET_KEY, and they still work after a restart', async () => {
    const store = join(directory, 'sealed.db');
    const env = { SLUICE_SECRET_KEY: secretKey };
    let sluice = await startSluice(configFor(store), { port: 0, env });
    try {
      const created = await createAdminClient(sluice.url, adminKey)('POST', '/channels', { ...channel, base_url: upstream.url });
      expect(created.status).toBe(201);
    } finally {
      await sluice.close();
    }
    const bytes = await storeBytes('sealed.db');
    expect(bytes).toContain('made-model');
    expect(bytes).toContain('sealed:v1:');
    expect(bytes).not.toContain(apiChannelKey);
    expect(bytes).not.toContain(apiHeaderToken);

    // Without the key, start-up stops and says what to set.
    await expect(startSluice(configFor(store), { port: 0, env: {} })).rejects.toThrow(/sealed with a secret key, and none is set: set SLUICE_SECRET_KEY/);

    sluice = await startSluice(configFor(store), { port: 0, env });
    try {
      const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: 'made-model', messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.choices[0]?.message.content).toBe(`auth=Bearer ${apiChannelKey} token=${apiHeaderToken}`);
    } finally {
      await sluice.close();
    }
  });

  it('keeps the SQLite file and its -wal and -shm files private (0600)', async () => {
    const store = join(directory, 'private', 'mode.db');
    const sluice = await startSluice(configFor(store), { port: 0, env: {} });
    try {
      await createAdminClient(sluice.url, adminKey)('POST', '/keys', { name: 'writes-something' });
      for (const file of [store, `${store}-wal`, `${store}-shm`]) {
        expect(((await stat(file)).mode & 0o777).toString(8), file).toBe('600');
      }
      expect(((await stat(join(directory, 'private'))).mode & 0o777).toString(8)).toBe('700');
    } finally {
      await sluice.close();
    }
  });
});
