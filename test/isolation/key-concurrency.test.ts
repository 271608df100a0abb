// Issue 12, item 5: a key's `max_concurrency` bounds its requests in flight; one past it waits up to
// the key's `queue_ms` for a slot, then gets 429 with Retry-After. Another key is not held up.
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeOf, startIsolationGateway, startUsageUpstream, type IsolationGateway } from './isolation-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const upstreamDelayMs = 600;

async function start(keysYaml: string): Promise<IsolationGateway> {
  const upstream = await startUsageUpstream({ delayMs: upstreamDelayMs, usage: () => ({ prompt: 8, completion: 2 }) });
  cleanups.push(() => upstream.close());
  const gateway = await startIsolationGateway(upstream.url, keysYaml);
  cleanups.push(() => gateway.close());
  return gateway;
}

/** One call, with how long it took. */
async function timed(gateway: IsolationGateway, key: string) {
  const started = performance.now();
  const outcome = await outcomeOf(gateway.clientFor(key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
  return { ...outcome, ms: performance.now() - started, endedAt: performance.now() };
}

describe('a key with max_concurrency', () => {
  it('makes the third concurrent request wait queue_ms, then answers 429; another key is unaffected', async () => {
    const gateway = await start(`keys:
  - { name: bounded, key: sk-bounded, max_concurrency: 2, queue_ms: 200 }
  - { name: free, key: sk-free }`);
    const [first, second, third, ...others] = await Promise.all([
      timed(gateway, 'sk-bounded'),
      timed(gateway, 'sk-bounded'),
      // Sent a little later so it is the one that queues.
      new Promise((resolve) => setTimeout(resolve, 50)).then(() => timed(gateway, 'sk-bounded')),
      ...Array.from({ length: 4 }, () => timed(gateway, 'sk-free')),
    ]);
    expect([first?.status, second?.status]).toEqual([200, 200]);
    expect(third).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: '1' });
    // It waited its queue time, and was refused while both slots were still busy.
    expect(third?.ms).toBeGreaterThanOrEqual(190);
    expect(third?.endedAt).toBeLessThan(Math.min(first?.endedAt ?? 0, second?.endedAt ?? 0));
    expect(others.map((outcome) => outcome.status)).toEqual([200, 200, 200, 200]);
  });

  it('serves a queued request when a slot frees within queue_ms', async () => {
    const gateway = await start('keys: [{ name: bounded, key: sk-bounded, max_concurrency: 1, queue_ms: 2000 }]');
    const outcomes = await Promise.all([timed(gateway, 'sk-bounded'), timed(gateway, 'sk-bounded')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([200, 200]);
    // One after the other: the second took about two upstream answers.
    expect(Math.max(...outcomes.map((outcome) => outcome.ms))).toBeGreaterThanOrEqual(2 * upstreamDelayMs - 20);
  });

  it('takes the limit from a key created through the admin API', async () => {
    const gateway = await start('');
    const created = await gateway.admin('POST', '/keys', { name: 'api', max_concurrency: 1, queue_ms: 0 });
    expect(created.body).toMatchObject({ max_concurrency: 1, queue_ms: 0 });
    const key = String(created.body.key);
    const outcomes = await Promise.all([timed(gateway, key), timed(gateway, key)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([200, 429]);
  });
});
