// A channel whose base_url lacks /v1 (or already holds /chat/completions) gets a 404 from its
// upstream; the client's error says which URL Sluice called and what is wrong with it (issue 16).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { startGateway, type Gateway } from '../support/start-gateway.ts';

describe('an upstream 404 caused by a wrong base_url', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  let root: string;
  beforeAll(async () => {
    emulator = await startOpenAiEmulator();
    root = emulator.url.replace(/\/v1$/, '');
    gateway = await startGateway([
      { name: 'no-version', baseUrl: root, models: ['m-root'] },
      { name: 'doubled', baseUrl: `${emulator.url}/chat/completions`, models: ['m-doubled'] },
    ]);
  });
  afterAll(async () => {
    await gateway.close();
    await emulator.close();
  });

  async function errorOf(model: string): Promise<InstanceType<typeof OpenAI.APIError>> {
    const error: unknown = await gateway.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    if (!(error instanceof OpenAI.APIError)) throw new Error(`expected an API error, got ${String(error)}`);
    return error;
  }

  it('names the URL called and says the base_url lacks /v1', async () => {
    const error = await errorOf('m-root');
    expect([error.status, error.code]).toEqual([404, 'upstream_rejected']);
    const hint = (error.error as { hint?: string }).hint;
    expect(hint).toBe(`Sluice called ${root}/chat/completions and the upstream answered 404. The channel's base_url has no version segment: OpenAI-compatible APIs usually want it to end in /v1 (for example https://api.x.ai/v1).`);
  });

  it('names the URL called and says the base_url already holds /chat/completions', async () => {
    const error = await errorOf('m-doubled');
    expect(error.status).toBe(404);
    expect((error.error as { hint?: string }).hint).toMatch(new RegExp(`^Sluice called ${emulator.url}/chat/completions/chat/completions and the upstream answered 404\\. The channel's base_url seems to contain /chat/completions already`));
  });
});
