// Issue 12, item 8: Anthropic's and Gemini's answers carry no time, and clients got `created: 0`
// (1970). Sluice stamps the time the answer arrived, on the completion and on every chunk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicEmulator } from '../emulators/anthropic-messages.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startGeminiEmulator } from '../emulators/gemini-generate-content.ts';
import { emulatorRoot, startDialectGateway, type DialectGateway } from '../support/dialect-gateway.ts';

let anthropic: Emulator;
let gemini: Emulator;
let claudeGateway: DialectGateway;
let geminiGateway: DialectGateway;

beforeAll(async () => {
  [anthropic, gemini] = await Promise.all([startAnthropicEmulator(), startGeminiEmulator()]);
  [claudeGateway, geminiGateway] = await Promise.all([
    startDialectGateway({ name: 'claude', type: 'anthropic', base_url: emulatorRoot(anthropic), models: ['claude-*'], default_max_tokens: 1024 }),
    startDialectGateway({ name: 'gem', type: 'gemini', base_url: emulatorRoot(gemini), models: ['gemini-*'] }),
  ]);
});

afterAll(async () => {
  await Promise.all([claudeGateway.close(), geminiGateway.close()]);
  await Promise.all([anthropic.close(), gemini.close()]);
});

const messages = [{ role: 'user' as const, content: 'Hello, how are you?' }];
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe.each([
  ['anthropic', () => claudeGateway, 'claude-text'],
  ['gemini', () => geminiGateway, 'gemini-text'],
])('%s answers get the arrival time as created', (_name, gateway, model) => {
  it('on a completion', async () => {
    const before = nowSeconds();
    const completion = await gateway().client.chat.completions.create({ model, messages });
    expect(completion.created).toBeGreaterThanOrEqual(before);
    expect(completion.created).toBeLessThanOrEqual(nowSeconds());
  });

  it('on every chunk of a stream', async () => {
    const before = nowSeconds();
    const stream = await gateway().client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
    const created: number[] = [];
    for await (const chunk of stream) created.push(chunk.created);
    expect(created.length).toBeGreaterThan(1);
    for (const stamp of created) {
      expect(stamp).toBeGreaterThanOrEqual(before);
      expect(stamp).toBeLessThanOrEqual(nowSeconds());
    }
  });
});
