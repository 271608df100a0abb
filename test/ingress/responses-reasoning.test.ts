// Reasoning on /v1/responses (issue 14, docs/ingress-protocols.md §D2): `reasoning.summary` makes an
// upstream's reasoning text the summary, and says so (`reasoning-as-summary` in x-sluice-adaptations
// and the log row); `include: ["reasoning.encrypted_content"]` carries an Anthropic channel's signed
// thinking in the reasoning item, and the item sent back next turn reaches Anthropic as the same
// thinking block, byte for byte, and is left out when the next turn goes to an OpenAI channel.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicEmulator, thinkingSignature, thinkingText } from '../emulators/anthropic-messages.ts';
import { dashscopeModel, dashscopeReasoning, startDashscopeEmulator } from '../emulators/dashscope-stream-only.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { createAdminClient, type AdminCall } from '../support/admin-client.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const key = 'sk-reasoning';
const adminKey = 'admin-key-for-reasoning-tests';
let anthropic: Emulator;
let dashscope: Emulator;
let openaiUpstream: Emulator;
let gateway: YamlGateway;
let client: OpenAI;
let admin: AdminCall;

beforeAll(async () => {
  [anthropic, dashscope, openaiUpstream] = await Promise.all([startAnthropicEmulator(), startDashscopeEmulator(), startOpenAiEmulator()]);
  gateway = await startYamlGateway(`admin_key: ${adminKey}
keys:
  - { name: app, key: ${key}, models: ["*"] }
channels:
  - { name: claude, type: anthropic, base_url: "${anthropic.url.replace(/\/v1$/, '')}", api_key: test-key, models: [claude-thinking], retry: { attempts: 1 } }
  - { name: dashscope, type: openai, base_url: "${dashscope.url}", api_key: test-key, models: [${dashscopeModel}], capabilities: { "*": { stream: required } }, retry: { attempts: 1 } }
  - { name: openai, type: openai, base_url: "${openaiUpstream.url}", api_key: test-key, models: [gpt-4o], retry: { attempts: 1 } }`);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  admin = createAdminClient(gateway.url, adminKey);
});

afterAll(async () => {
  await gateway.close();
  await Promise.all([anthropic.close(), dashscope.close(), openaiUpstream.close()]);
});

async function loggedAdaptations(requestId: string): Promise<unknown> {
  await gateway.sluice.services.logWriter.flush();
  return (await admin('GET', `/logs/${requestId}`)).body.adaptations;
}

describe('reasoning.summary', () => {
  it('gives the reasoning text as the summary and records reasoning-as-summary, non-stream and stream', async () => {
    const created = await client.responses.create({ model: dashscopeModel, input: 'Hi', reasoning: { effort: 'low', summary: 'auto' } }).withResponse();
    expect(created.data.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: dashscopeReasoning }] });
    expect(created.response.headers.get('x-sluice-adaptations')).toContain('reasoning-as-summary');
    expect(await loggedAdaptations(created.response.headers.get('x-request-id') ?? '')).toContain('reasoning-as-summary');
    const streamed = await client.responses.create({ model: dashscopeModel, input: 'Hi', reasoning: { summary: 'auto' }, stream: true }).withResponse();
    for await (const _event of streamed.data) { /* drain */ }
    expect(await loggedAdaptations(streamed.response.headers.get('x-request-id') ?? '')).toContain('reasoning-as-summary');
  });

  it('records nothing, and gives no summary, when the client did not ask for one', async () => {
    const created = await client.responses.create({ model: dashscopeModel, input: 'Hi' }).withResponse();
    expect(created.data.output.map((item) => item.type)).toEqual(['message']);
    expect(created.response.headers.get('x-sluice-adaptations') ?? '').not.toContain('reasoning-as-summary');
  });
});

describe('encrypted reasoning from an Anthropic channel', () => {
  const question = { role: 'user' as const, content: 'What is 925 / 5?' };
  const firstTurn = { model: 'claude-thinking', input: [question], include: ['reasoning.encrypted_content' as const], reasoning: { effort: 'low' as const, summary: 'auto' as const } };
  /** The thinking block exactly as Anthropic made it, as JSON text in the next request's body. */
  const signedBlock = JSON.stringify({ type: 'thinking', thinking: thinkingText, signature: thinkingSignature });

  it.each([
    ['create', () => client.responses.create(firstTurn)],
    ['stream().finalResponse()', () => client.responses.stream(firstTurn).finalResponse()],
  ])('%s: the thinking is the summary (so recorded), and the reasoning item sent back reaches Anthropic as its signed thinking block, byte for byte', async (_name, ask) => {
    const first = await ask();
    // A response's id is its request's (src/ingress/responses/build-response.ts): the log row says what was adapted.
    expect(await loggedAdaptations(first.id.replace(/^resp_/, 'req_'))).toContain('reasoning-as-summary');
    const reasoning = first.output.find((item) => item.type === 'reasoning');
    expect(reasoning).toMatchObject({ summary: [{ type: 'summary_text', text: thinkingText }], encrypted_content: expect.stringMatching(/^sluice-v1:[\w-]+$/) });
    const history = [question, ...first.output, { role: 'user' as const, content: 'And divided by 5 again?' }] as OpenAI.Responses.ResponseInput;
    await client.responses.create({ model: 'claude-thinking', input: history, include: ['reasoning.encrypted_content'] });
    const sent = anthropic.received.at(-1);
    expect(sent?.rawBody).toContain(signedBlock);
    expect((sent?.body?.messages as Array<{ role: string; content: unknown }>)[1]).toMatchObject({ role: 'assistant', content: [JSON.parse(signedBlock), { type: 'text', text: '925 ÷ 5 = 185' }] });
  });

  it('leaves the thinking out when the next turn goes to an OpenAI channel', async () => {
    const first = await client.responses.create(firstTurn);
    const history = [question, ...first.output, { role: 'user' as const, content: 'And divided by 5 again?' }] as OpenAI.Responses.ResponseInput;
    const next = await client.responses.create({ model: 'gpt-4o', input: history });
    expect(next.status).toBe('completed');
    const sent = openaiUpstream.received.at(-1)?.rawBody ?? '';
    expect(sent).toContain('And divided by 5 again?');
    expect(sent).not.toContain(thinkingSignature);
    expect(sent).not.toContain('reasoning_state');
  });
});
