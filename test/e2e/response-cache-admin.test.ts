// GET /admin/api/cache (docs/caching.md "Console"): the cache's settings and this instance's hit
// ratio, counted like `sluice_cache_requests_total` (bypasses are not lookups); `enabled: false`
// without a cache section. Requests through the official OpenAI SDK against an emulated upstream.
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletionsOnly, startEmulator } from '../emulators/emulator-server.ts';
import { serveFault } from '../emulators/faulty-upstream.ts';
import { createAdminClient, type AdminCall } from '../support/admin-client.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const adminKey = 'admin-key-for-the-cache-view-test';

async function start(cache: string | undefined): Promise<{ gateway: YamlGateway; admin: AdminCall }> {
  const upstream = await startEmulator(chatCompletionsOnly((request, response) => serveFault('ok', request, response)));
  cleanups.push(() => upstream.close());
  const yaml = [
    'listen: { host: 127.0.0.1, port: 0 }',
    `admin_key: ${adminKey}`,
    'channels:',
    `  - { name: up, type: openai, base_url: "${upstream.url}", api_key: test-key, models: [m] }`,
    ...(cache === undefined ? [] : [`cache: ${cache}`]),
  ].join('\n');
  const gateway = await startYamlGateway(yaml);
  cleanups.push(() => gateway.close());
  return { gateway, admin: createAdminClient(gateway.url, adminKey) };
}

describe('GET /admin/api/cache', () => {
  it('shows the settings and the hit ratio of the lookups so far', async () => {
    const { gateway, admin } = await start('{ ttl_s: 90, models: [m], charge_hits: true }');
    const empty = await admin('GET', '/cache');
    expect(empty.body).toMatchObject({ enabled: true, backend: 'memory', ttl_s: 90, models: ['m'], charge_hits: true, entries: 0, requests: { hit: 0, miss: 0, bypass: 0, unavailable: 0 }, hit_ratio: null });
    const ask = (headers: Record<string, string> = {}) => gateway.client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'q1' }] }, { headers });
    await ask();
    await ask();
    await ask();
    await ask({ 'cache-control': 'no-store' });
    const view = await admin('GET', '/cache');
    expect(view.body).toMatchObject({ entries: 1, requests: { hit: 2, miss: 1, bypass: 1, unavailable: 0 } });
    expect(view.body.hit_ratio).toBeCloseTo(2 / 3, 10);
    expect(Date.parse(String(view.body.since))).toBeLessThanOrEqual(Date.now());
  });

  it('says the cache is off without a cache section', async () => {
    const { admin } = await start(undefined);
    expect((await admin('GET', '/cache')).body).toMatchObject({ enabled: false, backend: null, hit_ratio: null, requests: { hit: 0, miss: 0 } });
  });
});
