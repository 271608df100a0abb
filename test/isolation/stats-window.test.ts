// Issue 12, item 9: GET /admin/api/stats aggregates in the database over a bounded window (at most
// 30 days, the default log retention), instead of reading every row of up to 999,999 days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { eventually, rowsOf } from '../support/admin-client.ts';
import { startIsolationGateway, startUsageUpstream, type IsolationGateway } from './isolation-gateway.ts';

let upstream: Emulator;
let gateway: IsolationGateway;

beforeAll(async () => {
  upstream = await startUsageUpstream({ delayMs: 0, usage: () => ({ prompt: 8, completion: 2 }) });
  gateway = await startIsolationGateway(upstream.url);
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

describe('GET /admin/api/stats', () => {
  it('answers windows up to 30 days, aggregated per channel and model, and refuses longer ones with a 400', async () => {
    const client = gateway.clientFor('anyone');
    for (let index = 0; index < 3; index += 1) await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    for (const window of ['30d', '720h']) {
      const stats = await eventually(() => gateway.admin('GET', `/stats?window=${window}`), (answer) => rowsOf(answer)[0]?.requests === 3);
      expect(stats.status).toBe(200);
      expect(rowsOf(stats)).toEqual([expect.objectContaining({ channel: 'up', model: 'm', requests: 3, errors: 0, duration_ms: expect.objectContaining({ p50: expect.any(Number) }) })]);
      expect(stats.body.series).toHaveLength(60);
    }
    for (const window of ['31d', '745h', '999999d', '0s']) {
      const refused = await gateway.admin('GET', `/stats?window=${window}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'invalid_request', param: 'window' });
    }
  });
});
