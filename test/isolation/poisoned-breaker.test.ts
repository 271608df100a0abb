// Issue 12: key A's bodies that an upstream answers with 502 opened the channel's circuit, and key
// B's well-formed requests then got 503 no_channel_available for the whole cooldown.
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { answerFor } from '../emulators/faulty-upstream.ts';
import { poisonText, startBodySensitiveUpstream } from '../emulators/isolation-upstreams.ts';
import { rowsOf, type Loose } from '../support/admin-client.ts';
import { startIsolatedGateway, statusOf, type IsolatedGateway } from './isolated-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstreams(count: number): Promise<Emulator[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startBodySensitiveUpstream()));
  for (const emulator of started) cleanups.push(() => emulator.close());
  return started;
}

async function gateway(emulators: Emulator[]): Promise<IsolatedGateway> {
  const channels = emulators.map((emulator, index) => `  - { name: c${index}, type: openai, base_url: ${emulator.url}, api_key: k, models: [m] }`).join('\n');
  const started = await startIsolatedGateway(`retry: { attempts: 2, base_ms: 1, max_ms: 5 }\nchannels:\n${channels}\n`);
  cleanups.push(() => started.close());
  return started;
}

const ask = (question: string) => ({ model: 'm', messages: [{ role: 'user' as const, content: question }] });

/** Key A's poison, sequentially: more than enough to open any circuit that counted it. */
async function poison(sluice: IsolatedGateway, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i += 1) statuses.push(await statusOf(sluice.keyA.chat.completions.create(ask(`${poisonText} #${i}`))));
  return statuses;
}

describe('a poisoned breaker', () => {
  it("still answers key B on a sole channel after key A's poison opened its circuit", async () => {
    const [upstream] = await upstreams(1);
    const sluice = await gateway(upstream === undefined ? [] : [upstream]);
    expect(new Set(await poison(sluice, 15))).toEqual(new Set([502]));
    for (let i = 0; i < 5; i += 1) {
      const { data, response } = await sluice.keyB.chat.completions.create(ask(`well-formed ${i}`)).withResponse();
      expect(data.choices[0]?.message.content).toBe(answerFor(`well-formed ${i}`));
      if (i === 0) expect(response.headers.get('x-sluice-adaptations')).toBe('panic:c0');
      else expect(response.headers.get('x-sluice-adaptations')).toBeNull();
    }
  });

  it("counts no circuit when two channels answer key A's body alike, and stops at the second", async () => {
    const emulators = await upstreams(3);
    const sluice = await gateway(emulators);
    expect(new Set(await poison(sluice, 15))).toEqual(new Set([502]));
    // Each poison request tried two channels (two tries each), never the third.
    expect(emulators.reduce((sum, emulator) => sum + emulator.received.length, 0)).toBe(15 * 2 * 2);
    for (let i = 0; i < 5; i += 1) {
      const { data, response } = await sluice.keyB.chat.completions.create(ask(`well-formed ${i}`)).withResponse();
      expect(data.choices[0]?.message.content).toBe(answerFor(`well-formed ${i}`));
      expect(response.headers.get('x-sluice-adaptations')).toBeNull();
    }
    const circuits = rowsOf(await sluice.admin('GET', '/channels')).flatMap((channel) => {
      const health = channel['health'] as { circuits: Loose[] };
      return health.circuits;
    });
    expect(circuits.map((circuit): unknown[] => [circuit['state'], circuit['failures']])).toEqual([
      ['closed', 0],
      ['closed', 0],
      ['closed', 0],
    ]);
  });
});
