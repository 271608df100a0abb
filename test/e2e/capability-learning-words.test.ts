// Issue 3's zero-config promise for two more refusals: an organization not verified to stream, and
// Mistral's 422 for stream_options. No hints configured; the first request costs at most two
// upstream calls, the next one exactly one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { answerFor } from '../emulators/faulty-upstream.ts';
import { startMistralEmulator, startUnverifiedOrganizationEmulator } from '../emulators/strict-upstreams.ts';
import { startGateway, type Gateway } from '../support/start-gateway.ts';

let unverified: Emulator;
let mistral: Emulator;
let gateway: Gateway;

beforeAll(async () => {
  [unverified, mistral] = await Promise.all([startUnverifiedOrganizationEmulator(), startMistralEmulator()]);
  gateway = await startGateway([
    { name: 'openai', baseUrl: unverified.url, models: ['o3'] },
    { name: 'mistral', baseUrl: mistral.url, models: ['mistral-large-latest'] },
  ]);
});

afterAll(async () => {
  await gateway.close();
  await Promise.all([unverified.close(), mistral.close()]);
});

async function streamContent(model: string, question: string, includeUsage: boolean) {
  const stream = await gateway.client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: question }],
    stream: true,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  let content = '';
  let usage: unknown;
  for await (const chunk of stream) {
    content += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  return { content, usage };
}

describe('learning from the words of a refusal', () => {
  it('calls a model the organization may not stream without streaming, and replays it', async () => {
    expect((await streamContent('o3', 'first', false)).content).toBe(answerFor('first'));
    expect(unverified.received.map((request) => request.body?.['stream'] ?? false)).toEqual([true, false]);
    unverified.received.length = 0;
    expect((await streamContent('o3', 'second', true)).content).toBe(answerFor('second'));
    expect(unverified.received).toHaveLength(1);
    const completion = await gateway.client.chat.completions.create({ model: 'o3', messages: [{ role: 'user', content: 'third' }] });
    expect(completion.choices[0]?.message.content).toBe(answerFor('third'));
    expect(unverified.received).toHaveLength(2);
  });

  it("stops sending stream_options to Mistral after its 422, and still gives the client usage", async () => {
    const first = await streamContent('mistral-large-latest', 'first', true);
    expect(first.content).toBe(answerFor('first'));
    expect(first.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(mistral.received.map((request) => Object.hasOwn(request.body ?? {}, 'stream_options'))).toEqual([true, false]);
    mistral.received.length = 0;
    expect((await streamContent('mistral-large-latest', 'second', true)).content).toBe(answerFor('second'));
    expect(mistral.received).toHaveLength(1);
    expect(Object.hasOwn(mistral.received[0]?.body ?? {}, 'stream_options')).toBe(false);
  });

  it('shows what it learned in /v1/models', async () => {
    const page = await gateway.client.models.list();
    const models = page.data as unknown as Array<{ id: string; capabilities: Record<string, unknown> }>;
    expect(models.find((model) => model.id === 'o3')?.capabilities).toEqual({ stream: 'adapted', non_stream: 'native', stream_options: true });
    expect(models.find((model) => model.id === 'mistral-large-latest')?.capabilities).toMatchObject({ stream_options: false });
  });
});
