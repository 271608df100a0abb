// Balancing by what is measured (docs/routing.md), end to end: three emulated upstreams behind one
// model, the official SDK as the client. `latency` keeps traffic off a channel 5× slower than its
// peers; `weighted` (the default) sends it about a third; `least_busy` spreads held streams evenly
// whatever the weights.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { startPacedUpstream, type Pace, type PacedUpstream } from '../emulators/paced-upstream.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gatewayOver(paces: Array<Pace & { weight?: number }>, routing: string) {
  const upstreams: PacedUpstream[] = [];
  for (const pace of paces) {
    const upstream = await startPacedUpstream(pace);
    cleanups.push(() => upstream.close());
    upstreams.push(upstream);
  }
  const channels = upstreams.map((upstream, index) => `  - { name: c${String(index)}, type: openai, base_url: '${upstream.url}', api_key: k, models: [m], weight: ${String(paces[index]?.weight ?? 1)} }`).join('\n');
  const yaml = `listen: { host: 127.0.0.1, port: 0 }\nlog_level: warn\nrouting: ${routing}\nchannels:\n${channels}\n`;
  const sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  cleanups.push(() => sluice.close());
  return { upstreams, client: new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'x', maxRetries: 0 }) };
}

const requests = 60;

/** Share of `requests` sequential non-stream requests each upstream received. */
async function shares(routing: string): Promise<number[]> {
  const { upstreams, client } = await gatewayOver([{ delayMs: 20 }, { delayMs: 20 }, { delayMs: 100 }], routing);
  for (let index = 0; index < requests; index += 1) {
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `q${String(index)}` }] });
  }
  return upstreams.map((upstream) => upstream.received.length / requests);
}

describe('balancing strategies', () => {
  it('latency sends a channel 5× slower than its peers a small share', async () => {
    const [, , slow] = await shares('{ strategy: latency }');
    expect(slow).toBeLessThanOrEqual(0.1);
  });

  it('weighted (the default) sends the slow channel about a third', async () => {
    const [, , slow] = await shares('{ models: { "other-*": latency } }');
    expect(slow).toBeGreaterThan(0.15);
    expect(slow).toBeLessThan(0.55);
  });

  it('least_busy sends each held stream to the channel with the fewest in flight, whatever the weights', async () => {
    const { upstreams, client } = await gatewayOver(
      [
        { delayMs: 0, hold: true, weight: 10 },
        { delayMs: 0, hold: true },
        { delayMs: 0, hold: true },
      ],
      '{ strategy: weighted, models: { "m*": least_busy } }',
    );
    const streams = [];
    for (let index = 0; index < 6; index += 1) streams.push(await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hold' }], stream: true }));
    expect(upstreams.map((upstream) => upstream.received.length)).toEqual([2, 2, 2]);
    for (const upstream of upstreams) upstream.release();
    for (const stream of streams) for await (const part of stream) expect(part.object).toBe('chat.completion.chunk');
  });
});
