// Issue 12, item 5: a request refused for what it is — a model the key may not use (403), a body
// that is not valid (400) — spends none of the key's rpm, tpm or quota: only admitted requests do.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, rowsOf } from '../support/admin-client.ts';
import { outcomeOf, startIsolationGateway, startUsageUpstream } from './isolation-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(keysYaml: string) {
  const upstream = await startUsageUpstream({ delayMs: 0, usage: () => ({ prompt: 8, completion: 2 }) });
  cleanups.push(() => upstream.close());
  const gateway = await startIsolationGateway(upstream.url, keysYaml);
  cleanups.push(() => gateway.close());
  return { gateway, upstream };
}

const hello = [{ role: 'user' as const, content: 'hi' }];

describe('refused requests', () => {
  it('spend no rpm when the model is not allowed or the body is not valid', async () => {
    const { gateway, upstream } = await start('keys: [{ name: app, key: sk-app-rpm, models: [m], rpm: 2 }]');
    const client = gateway.clientFor('sk-app-rpm');
    for (let index = 0; index < 5; index += 1) {
      expect(await outcomeOf(client.chat.completions.create({ model: 'other', messages: hello }))).toMatchObject({ status: 403, code: 'model_not_allowed' });
    }
    for (let index = 0; index < 5; index += 1) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-app-rpm', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: 'not a list' }),
      });
      expect(response.status).toBe(400);
    }
    expect(await outcomeOf(client.chat.completions.create({ model: 'm', messages: hello }))).toMatchObject({ status: 200 });
    expect(await outcomeOf(client.chat.completions.create({ model: 'm', messages: hello }))).toMatchObject({ status: 200 });
    // Now the two requests of the minute are spent, and only now.
    expect(await outcomeOf(client.chat.completions.create({ model: 'm', messages: hello }))).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(upstream.received).toHaveLength(2);
  });

  it('hold none of the quota nor rpm when the model is not allowed', async () => {
    const { gateway } = await start('');
    const created = await gateway.admin('POST', '/keys', { name: 'quota', models: ['m'], quota_tokens: 100, rpm: 1 });
    const client = gateway.clientFor(String(created.body.key));
    const refusals = await Promise.all(Array.from({ length: 5 }, () => outcomeOf(client.chat.completions.create({ model: 'other', messages: hello, max_completion_tokens: 90 }))));
    expect(refusals.map((outcome) => outcome.status)).toEqual([403, 403, 403, 403, 403]);
    expect(await outcomeOf(client.chat.completions.create({ model: 'm', messages: hello, max_completion_tokens: 90 }))).toMatchObject({ status: 200 });
    const balance = await eventually(
      async () => rowsOf(await gateway.admin('GET', '/keys')).find((row) => row.name === 'quota')?.remaining_tokens as number,
      (value) => value === 90,
    );
    expect(balance).toBe(90);
  });
});
