// Issue 12, item 5: 50 parallel requests of about 100 tokens against a 300-token quota (and a
// 300-token tpm) are admitted by reserving their estimate, so at most what the budget covers is
// served; what they used past their reservation is recorded as a negative balance, never clamped.
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { eventually, rowsOf } from '../support/admin-client.ts';
import { outcomeOf, startIsolationGateway, startUsageUpstream, type IsolationGateway } from './isolation-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Sluice counts 8 prompt tokens for one user message "hi"; with max_completion_tokens 92 a request reserves 100. */
const question = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
const promptTokens = 8;
const maxTokens = 92;
/** The upstream overruns a cap by this much (another tokenizer); without a cap it writes 400 tokens. */
const overrun = 10;
const uncappedCompletion = 400;

async function start(extraYaml = ''): Promise<{ gateway: IsolationGateway; upstream: Emulator }> {
  const upstream = await startUsageUpstream({
    delayMs: 100,
    refuse: (request) => JSON.stringify(request.body?.messages).includes('fail'),
    usage: (request) => {
      const cap = request.body?.max_completion_tokens;
      return { prompt: promptTokens, completion: typeof cap === 'number' ? cap + overrun : uncappedCompletion };
    },
  });
  cleanups.push(() => upstream.close());
  const gateway = await startIsolationGateway(upstream.url, extraYaml);
  cleanups.push(() => gateway.close());
  return { gateway, upstream };
}

async function createQuotaKey(gateway: IsolationGateway, quota: number): Promise<{ id: string; key: string }> {
  const created = await gateway.admin('POST', '/keys', { name: `quota-${String(quota)}`, quota_tokens: quota });
  expect(created.status).toBe(201);
  return { id: String(created.body.id), key: String(created.body.key) };
}

async function balanceOf(gateway: IsolationGateway, id: string): Promise<number> {
  const key = rowsOf(await gateway.admin('GET', '/keys')).find((row) => row.id === id);
  return Number(key?.remaining_tokens);
}

describe('a token quota under parallel load', () => {
  it('serves only what the quota covers and records the overrun below zero', async () => {
    const { gateway, upstream } = await start();
    const { id, key } = await createQuotaKey(gateway, 300);
    const client = gateway.clientFor(key);
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => outcomeOf(client.chat.completions.create({ ...question, max_completion_tokens: maxTokens }))));
    const served = outcomes.filter((outcome) => outcome.status === 200).length;
    expect(served).toBeGreaterThanOrEqual(3);
    expect(served).toBeLessThanOrEqual(4);
    expect(upstream.received).toHaveLength(served);
    expect(outcomes.filter((outcome) => outcome.status === 429 && outcome.code === 'insufficient_quota')).toHaveLength(50 - served);
    // Each served request used 110 tokens against a reservation of 100: the balance shows it all.
    const expected = 300 - served * (promptTokens + maxTokens + overrun);
    expect(await eventually(() => balanceOf(gateway, id), (balance) => balance === expected)).toBe(expected);
    expect(expected).toBeLessThan(0);
    expect(expected).toBeGreaterThanOrEqual(-served * overrun);
  });

  it('refunds what a failed request held; lets one uncapped request overrun by its own excess, then refuses the next', async () => {
    const { gateway, upstream } = await start('limits: { default_completion_tokens_estimate: 50 }');
    const { id, key } = await createQuotaKey(gateway, 300);
    const client = gateway.clientFor(key);
    // The upstream refuses this one after Sluice reserved 8 + 250: all of it comes back.
    expect(await outcomeOf(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'fail' }], max_completion_tokens: 250 }))).toMatchObject({ status: 400 });
    expect(upstream.received).toHaveLength(1);
    expect(await eventually(() => balanceOf(gateway, id), (balance) => balance === 300)).toBe(300);
    expect((await outcomeOf(client.chat.completions.create(question))).status).toBe(200);
    const expected = 300 - (promptTokens + uncappedCompletion);
    expect(await eventually(() => balanceOf(gateway, id), (balance) => balance === expected)).toBe(expected);
    expect(await outcomeOf(client.chat.completions.create(question))).toMatchObject({ status: 429, code: 'insufficient_quota' });
    expect(await balanceOf(gateway, id)).toBe(expected);
  });

});

describe('a tpm limit under parallel load', () => {
  it('admits only the requests whose estimates fit in the minute', async () => {
    const { gateway, upstream } = await start('keys: [{ name: tpm, key: sk-tpm-300, tpm: 300 }]');
    const client = gateway.clientFor('sk-tpm-300');
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => outcomeOf(client.chat.completions.create({ ...question, max_completion_tokens: maxTokens }))));
    const served = outcomes.filter((outcome) => outcome.status === 200).length;
    expect(served).toBe(3);
    expect(upstream.received).toHaveLength(3);
    const refused = outcomes.filter((outcome) => outcome.status === 429);
    expect(refused).toHaveLength(47);
    expect(refused.every((outcome) => outcome.code === 'rate_limited' && Number(outcome.retryAfter) >= 1)).toBe(true);
  });
});
