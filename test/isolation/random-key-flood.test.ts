// Issue 12, item 7: nothing keyed by a client-chosen value grows without bound. A flood of random
// bearer keys (each one a fresh cache lookup) leaves the key cache at its bound, every one of them is
// refused, and a real key's caller is served as before.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { defaultKeyCachePolicy } from '../../src/server/authenticate.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';

let sluice: RunningSluice | undefined;
afterEach(async () => {
  await sluice?.close();
  sluice = undefined;
});

const yaml = `log_level: error
keys: [{ name: b, key: sk-real-key-b }]
channels: [{ name: local, type: echo, models: [echo] }]`;

async function chat(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('a flood of random keys', () => {
  it('keeps the key cache at its bound, refuses every one, and leaves a real key served', async () => {
    // The default bound (10,000) with a smaller count, so the flood stays a few seconds long.
    const policy = { ...defaultKeyCachePolicy, maxEntries: 300 };
    sluice = await startSluice(parseConfig(yaml, { file: 'flood.yaml', env: {} }), { port: 0, store: 'sqlite::memory:', keyCachePolicy: policy });
    const { url } = sluice;
    const flood = 1_000;
    const statuses = new Map<number, number>();
    let next = 0;
    // 32 clients at once, each walking its share of distinct random keys.
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < flood) {
          next += 1;
          const status = await chat(url, `sk-${randomBytes(16).toString('hex')}`);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    expect(Object.fromEntries(statuses)).toEqual({ 401: flood });
    expect(sluice.services.keyAccess.cachedEntries()).toBeLessThanOrEqual(policy.maxEntries);
    expect(await chat(url, 'sk-real-key-b')).toBe(200);
  });
});
