// Issue 12: one 401/403 on one model set the channel's upstream key aside for every model for 10
// minutes, so any key holder could take a channel down by asking for a model the upstream key may
// not use. A 403 about a model now sets the key aside for that model only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  - { name: shared, type: openai, base_url: ${upstream.url}, api_key: upstream-key, models: [m, restricted] }
`);
});

afterAll(async () => {
  await sluice.close();
  await upstream.close();
});

const ask = (model: string, question: string) => ({ model, messages: [{ role: 'user' as const, content: question }] });

describe('key set-asides scoped to what failed', () => {
  it("keeps the channel's key for model m after a 403 on model restricted", async () => {
    expect(await statusOf(sluice.keyA.chat.completions.create(ask('restricted', 'may I')))).toBeGreaterThanOrEqual(400);
    for (let i = 0; i < 3; i += 1) {
      const answer = await sluice.keyB.chat.completions.create(ask('m', `q${i}`));
      expect(answer.choices[0]?.message.content).toBe(answerFor(`q${i}`));
    }
    const refused = rowsOf(await sluice.admin('GET', '/channels')).flatMap((channel) => channel['health'].refused_keys as unknown[]);
    expect(refused).toMatchObject([{ reason: expect.stringContaining('User not allowed to access this model') }]);
  });

  it('does not send the set-aside key to the refused model again until it is re-checked', async () => {
    const before = upstream.received.length;
    expect(await statusOf(sluice.keyA.chat.completions.create(ask('restricted', 'again')))).toBeGreaterThanOrEqual(400);
    expect(upstream.received).toHaveLength(before);
  });
});
