// Issue 15 item 3: a key revoked through one instance's admin API is refused on another instance
// within 500 ms, although that instance had the key in its cache (trusted here for a minute, so only
// the notification can explain the refusal). A key created on one instance also ends another's
// keyless start (it must not stay open to every caller).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answers, createDatabase, startInstance, timeUntil, type Instance } from './start-instances.ts';

const propagationBoundMs = 500;
const longTrustMs = 60_000;

const instances: Instance[] = [];
let first: Instance;
let second: Instance;

beforeAll(async () => {
  const storeUrl = await createDatabase('notify_keys');
  const keyCachePolicy = { maxEntries: 100, hitTtlMs: longTrustMs, missTtlMs: longTrustMs, maxHashedKeys: 100 };
  instances.push((first = await startInstance(storeUrl, undefined, { keyCachePolicy })), (second = await startInstance(storeUrl, undefined, { keyCachePolicy })));
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.sluice.close()));
});

describe('keys changed on one instance', () => {
  it('a key created on one instance closes another keyless instance, and a revoked key is refused everywhere within 500 ms', async () => {
    // Both started with no key: open to loopback callers.
    expect(await answers(second, 'anything', 'echo-config')).toBe(true);
    const created = await first.admin('POST', '/keys', { name: 'app' });
    expect(created.status).toBe(201);
    const key = String(created.body.key);
    const closedMs = await timeUntil(async () => !(await answers(second, 'anything', 'echo-config').catch(() => false)), 2_000);
    expect(closedMs).toBeLessThan(propagationBoundMs);
    // The key works on the other instance, and is now in its cache.
    expect(await answers(second, key, 'echo-config')).toBe(true);

    expect((await first.admin('PATCH', `/keys/${String(created.body.id)}`, { enabled: false })).status).toBe(200);
    const refusedMs = await timeUntil(async () => {
      try {
        await answers(second, key, 'echo-config');
        return false;
      } catch (error) {
        return (error as { status?: number }).status === 401;
      }
    }, 3_000, 2);
    console.info(`key revocation reached the other instance in ${refusedMs?.toFixed(1) ?? 'never'} ms`);
    expect(refusedMs).toBeDefined();
    expect(refusedMs).toBeLessThan(propagationBoundMs);
  });
});
