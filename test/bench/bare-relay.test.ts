// The floor of a relay that reads what it relays (bench/bare-relay.ts): it must do that work for real —
// the key checked, the bodies parsed and written, the model renamed, the routing headers, the log row in
// SQLite — or the bench's figure for it would measure less than it claims.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBareRelay, type RunningBareRelay } from '../../bench/bare-relay.ts';
import { startMockUpstream, type RunningMock } from '../../bench/mock-upstream.ts';

let mock: RunningMock;

beforeAll(async () => {
  mock = await startMockUpstream({ settings: { chunks: 3, delayMs: 0 } });
});

afterAll(async () => {
  await mock.close();
});

describe.each([
  { mode: 'by hand (node:http)', fastify: false },
  { mode: 'as a fastify route', fastify: true },
])('the bare relay $mode', ({ fastify }) => {
  let relay: RunningBareRelay;
  let folder: string;
  const logged: string[] = [];

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'bare-relay-'));
    relay = await startBareRelay({ upstream: mock.url, logDb: join(folder, 'log.db'), logOutput: { write: (text: string) => logged.push(text) }, fastify });
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  function post(body: string, headers: Record<string, string> = { authorization: 'Bearer sk-bench-upstream' }): Promise<Response> {
    return fetch(`${relay.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }

  it("answers with the upstream's completion, the routing headers and a request id", async () => {
    const response = await post(JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'hi' }] }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{28}$/);
    expect(response.headers.get('x-sluice-channel')).toBe('mock');
    expect(response.headers.get('x-sluice-model')).toBe('bench-model');
    expect(Number(response.headers.get('x-sluice-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const answer = (await response.json()) as { object: string; model: string; usage: unknown };
    expect(answer).toMatchObject({ object: 'chat.completion', model: 'bench-model', usage: { prompt_tokens: 12, completion_tokens: 3 } });
  });

  it('refuses an unknown key and a body that is not JSON or not a chat request', async () => {
    expect((await post('{}', {})).status).toBe(401);
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ model: 'bench-model' }))).status).toBe(400);
  });

  it('writes one log line and one SQLite row a relayed request', async () => {
    await post(JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'again' }] }));
    await relay.close();
    const database = new DatabaseSync(join(folder, 'log.db'));
    try {
      const rows = database.prepare('SELECT model, status, prompt_tokens, attempts FROM request_logs').all() as { model: string; status: number; prompt_tokens: number; attempts: string }[];
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({ model: 'bench-model', status: 200, prompt_tokens: 12 });
      expect(JSON.parse(rows[0]!.attempts)).toEqual([expect.objectContaining({ channel: 'mock', status: 200 })]);
      const lines = logged.join('').trim().split('\n').map((line) => JSON.parse(line) as { clientModel: string; status: number; msg: string });
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatchObject({ clientModel: 'bench-model', status: 200, msg: expect.stringMatching(/^bench-model 200 \d+ms$/) });
    } finally {
      database.close();
    }
  });
});
