// Authentication is bound to the route the router matched, not to how the path was spelled
// (issue 11: `POST /v%31/chat/completions` with no key used to be relayed with the channel's key).
// Every spelling of every route is sent without a key, with a wrong key, and (admin routes) with a
// client key: each answer is 401 or 404, never 200 or 5xx, and the upstream is never called.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { defaultAdminFailurePolicy } from '../../src/server/admin/admin-failures.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { startEmulator, writeJson, type Emulator } from '../emulators/emulator-server.ts';
import { createAdminClient, eventually, rowsOf, type AdminCall } from '../support/admin-client.ts';
import { sendRaw } from '../support/raw-request.ts';

const clientKey = 'sk-path-spelling-client-1';
const adminKey = 'admin-key-for-path-spelling';
const metricsKey = 'metrics-key-for-path-spelling';

let upstream: Emulator;
let sluice: RunningSluice;
let admin: AdminCall;
let directory: string;
let apiKeyId: string;

beforeAll(async () => {
  upstream = await startEmulator((request, response) => {
    if (request.path.startsWith('/v1/embeddings')) writeJson(response, 200, JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1] }], model: 'gpt-x', usage: { prompt_tokens: 1, total_tokens: 1 } }));
    else writeJson(response, 200, JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', content: 'relayed' }, finish_reason: 'stop' }] }));
  });
  directory = await mkdtemp(join(tmpdir(), 'sluice-paths-'));
  const yaml = [
    `admin_key: ${adminKey}`,
    `metrics_key: ${metricsKey}`,
    'keys:',
    `  - { name: app, key: ${clientKey} }`,
    'channels:',
    `  - { name: up, type: openai, base_url: "${upstream.url}", api_key: upstream-secret, models: [gpt-x] }`,
  ].join('\n');
  // Every spelling is sent with wrong admin keys from one address on purpose: the per-address
  // slow-down (test/security/admin-auth.test.ts) is raised so each is answered on its own merits.
  sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), {
    port: 0,
    store: `sqlite:${join(directory, 'sluice.db')}`,
    adminFailurePolicy: { ...defaultAdminFailurePolicy, maxFailures: 100_000 },
  });
  admin = createAdminClient(sluice.url, adminKey);
  const created = await admin('POST', '/keys', { name: 'made-by-api' });
  apiKeyId = String(created.body.id);
});

afterAll(async () => {
  await sluice.close();
  await upstream.close();
  await rm(directory, { recursive: true, force: true });
});

const encode = (text: string): string => Array.from(text, (character) => character).map((character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** Every way to spell `path` that a decoder, a normaliser or a lenient router might read as it. */
function spellingsOf(path: string): Array<[string, string]> {
  const segments = path.split('/').slice(1);
  const [first = '', ...others] = segments;
  const rest = others.length === 0 ? '' : `/${others.join('/')}`;
  const lastLetter = first.at(-1) ?? '';
  return [
    ['one letter percent-encoded', `/${first.slice(0, -1)}${encode(lastLetter)}${rest}`],
    ['first segment percent-encoded', `/${encode(first)}${rest}`],
    ['first segment encoded in lower case', `/${encode(first).toLowerCase()}${rest}`],
    ['every character percent-encoded', `/${segments.map(encode).join('/')}`],
    ['double-encoded letter', `/${first.slice(0, -1)}%25${lastLetter.charCodeAt(0).toString(16)}${rest}`],
    ['slashes as %2F', `/${segments.join('%2F')}`],
    ['slashes as %2f', `/${segments.join('%2f')}`],
    ['slashes double-encoded', `/${segments.join('%252F')}`],
    ['leading //', `/${path}`],
    ['inner //', `/${first}/${rest}`],
    ['leading /./', `/.${path}`],
    ['inner /./', `/${first}/.${rest}`],
    ['.. back into the route', `/${first}/../${first}${rest}`],
    ['.. from another folder', `/other/..${path}`],
    ['%2e%2e back into the route', `/${first}/%2e%2e/${first}${rest}`],
    ['%2e as a segment', `/%2e${path}`],
    ['upper case', path.toUpperCase()],
    ['first segment upper case', `/${first.toUpperCase()}${rest}`],
    ['trailing slash', `${path}/`],
    [';params at the end', `${path};x=1`],
    [';params in a segment', `/${first};x=1${rest}`],
    ['overlong UTF-8 slash %C0%AF', `/${segments.join('%C0%AF')}`],
    ['overlong UTF-8 dots %C0%AE', `/${first}/%C0%AE%C0%AE/${first}${rest}`],
    ['backslashes', `/${segments.join('\\')}`],
    ['encoded NUL at the end', `${path}%00`],
    ['fullwidth solidus', `/${segments.join('%EF%BC%8F')}`],
  ];
}

interface RouteCase {
  method: string;
  path: string;
  body?: unknown;
}

const clientRoutes: RouteCase[] = [
  { method: 'POST', path: '/v1/chat/completions', body: { model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] } },
  { method: 'POST', path: '/v1/embeddings', body: { model: 'gpt-x', input: 'hi' } },
  { method: 'GET', path: '/v1/models' },
  { method: 'GET', path: '/v1/models/gpt-x' },
];

const adminRoutes = (): RouteCase[] => [
  { method: 'GET', path: '/admin/api/keys' },
  { method: 'POST', path: '/admin/api/keys', body: { name: 'sneaked-in' } },
  { method: 'DELETE', path: `/admin/api/keys/${apiKeyId}` },
  { method: 'GET', path: '/admin/api/channels' },
  { method: 'POST', path: '/admin/api/channels/up/probe', body: {} },
  { method: 'GET', path: '/admin/api/logs' },
  { method: 'GET', path: '/admin/api/openapi.json' },
];

const metricsRoute: RouteCase = { method: 'GET', path: '/metrics' };

async function statusesOf(route: RouteCase, headers: Record<string, string>): Promise<Array<[string, number]>> {
  const answers: Array<[string, number]> = [];
  for (const [name, path] of [['as written', route.path] as [string, string], ...spellingsOf(route.path)]) {
    const answer = await sendRaw(sluice.url, { method: route.method, path, headers, ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }) });
    answers.push([`${route.method} ${path} (${name})`, answer.status]);
  }
  return answers;
}

function expectOnlyRefusals(answers: Array<[string, number]>): void {
  const wrong = answers.filter(([, status]) => status !== 401 && status !== 404);
  expect(wrong, 'every spelling answers 401 or 404').toEqual([]);
}

describe('every spelling of every route', () => {
  it('is refused on the client routes without a key or with a wrong key, and never relayed', async () => {
    for (const route of clientRoutes) {
      expectOnlyRefusals(await statusesOf(route, {}));
      expectOnlyRefusals(await statusesOf(route, { authorization: 'Bearer sk-wrong-key' }));
    }
    expect(upstream.received).toEqual([]);
  });

  it('is refused on the admin routes without the admin key, with a client key, and changes nothing', async () => {
    const keysBefore = rowsOf(await admin('GET', '/keys')).map((row): unknown => row['name']);
    for (const route of adminRoutes()) {
      expectOnlyRefusals(await statusesOf(route, {}));
      expectOnlyRefusals(await statusesOf(route, { authorization: `Bearer ${clientKey}` }));
    }
    expect(rowsOf(await admin('GET', '/keys')).map((row): unknown => row['name'])).toEqual(keysBefore);
    expect(upstream.received).toEqual([]);
  });

  it('is refused on /metrics without the metrics key, which the route then needs', async () => {
    expectOnlyRefusals(await statusesOf(metricsRoute, {}));
    expectOnlyRefusals(await statusesOf(metricsRoute, { authorization: `Bearer ${clientKey}` }));
    const allowed = await sendRaw(sluice.url, { method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${metricsKey}` } });
    expect(allowed.status).toBe(200);
    const refused = await sendRaw(sluice.url, { method: 'GET', path: '/metrics' });
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'metrics_key_required', type: 'authentication_error' } });
  });
});

describe('a refusal on a spelled-out route', () => {
  it('answers 401 in the OpenAI shape and still leaves one log row', async () => {
    const answer = await sendRaw(sluice.url, { method: 'POST', path: '/v%31/chat/completions', body: JSON.stringify(clientRoutes[0]?.body) });
    expect(answer.status).toBe(401);
    const requestId = String(answer.headers['x-request-id']);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'missing_api_key', type: 'authentication_error' } });
    const row = await eventually(() => admin('GET', `/logs/${requestId}`), (found) => found.status === 200);
    expect(row.body).toMatchObject({ status: 401, error_code: 'missing_api_key' });
  });

  it('still serves the route to a valid key, whatever the spelling the router accepts', async () => {
    const answer = await sendRaw(sluice.url, { method: 'POST', path: '/%76%31/chat/completions', headers: { authorization: `Bearer ${clientKey}` }, body: JSON.stringify(clientRoutes[0]?.body) });
    expect(answer.status).toBe(200);
    expect(upstream.received).toHaveLength(1);
  });
});
