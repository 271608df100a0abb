// Issue 12: the rejection patterns were broad and 403 counted as learnable, so "Invalid parameter:
// 'user' must be at most 64 characters" and "User not allowed to access this model" both became
// "drop `user`" for every client of that channel and model for 24 h. Only a sentence that rejects a
// parameter by name teaches anything — and what it teaches still serves every key at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { answerFor } from '../emulators/faulty-upstream.ts';
import { startRuleBoundUpstream } from '../emulators/isolation-upstreams.ts';
import { rowsOf } from '../support/admin-client.ts';
import { startIsolatedGateway, statusOf, type IsolatedGateway } from './isolated-gateway.ts';

let upstream: Emulator;
let sluice: IsolatedGateway;

beforeAll(async () => {
  upstream = await startRuleBoundUpstream();
  sluice = await startIsolatedGateway(`retry: { attempts: 1 }
channels:
  - { name: rules, type: openai, base_url: ${upstream.url}, api_key: k, models: [m, restricted, no-store] }
`);
});

afterAll(async () => {
  await sluice.close();
  await upstream.close();
});

beforeEach(() => {
  upstream.received.length = 0;
});

const ask = (model: string, question: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user' as const, content: question }], ...extra });

async function learned(): Promise<unknown[]> {
  return rowsOf(await sluice.admin('GET', '/channels')).flatMap((channel) => channel['health'].learned as unknown[]);
}

describe('learning that one client cannot poison', () => {
  it("passes a value complaint back to the client as a 400 and learns nothing from it", async () => {
    expect(await statusOf(sluice.keyA.chat.completions.create(ask('m', 'long user', { user: 'u'.repeat(100) })))).toBe(400);
    expect(upstream.received).toHaveLength(1);
    const answer = await sluice.keyB.chat.completions.create(ask('m', 'short user', { user: 'bob' }));
    expect(answer.choices[0]?.message.content).toBe(answerFor('short user'));
    expect(upstream.received.at(-1)?.body?.['user']).toBe('bob');
    expect(await learned()).toEqual([]);
  });

  it('learns nothing from a 403 about the model', async () => {
    expect(await statusOf(sluice.keyA.chat.completions.create(ask('restricted', 'may I', { user: 'mallory' })))).toBeGreaterThanOrEqual(400);
    expect(upstream.received).toHaveLength(1);
    expect(await learned()).toEqual([]);
    await sluice.keyB.chat.completions.create(ask('m', 'still sent', { user: 'bob' }));
    expect(upstream.received.at(-1)?.body?.['user']).toBe('bob');
  });

  it("learns a real parameter rejection once, and key B's first call goes right", async () => {
    const first = await sluice.keyA.chat.completions.create(ask('no-store', 'first', { store: true }));
    expect(first.choices[0]?.message.content).toBe(answerFor('first'));
    expect(upstream.received.map((request) => Object.hasOwn(request.body ?? {}, 'store'))).toEqual([true, false]);
    upstream.received.length = 0;
    const { data, response } = await sluice.keyB.chat.completions.create(ask('no-store', 'second', { store: true })).withResponse();
    expect(data.choices[0]?.message.content).toBe(answerFor('second'));
    expect(upstream.received.map((request) => Object.hasOwn(request.body ?? {}, 'store'))).toEqual([false]);
    expect(response.headers.get('x-sluice-attempts')).toBe('1');
    expect(await learned()).toMatchObject([{ model: 'no-store', drop_fields: ['store'], evidence: expect.stringContaining('Unrecognized request argument supplied: store') }]);
  });
});
