// Whatever the upstream's framing, the bytes Sluice writes are clean SSE: they parse under a strict
// WHATWG parser, carry the streaming headers and no content-length, and end with `data: [DONE]`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureModel, startAzureEmulator } from '../emulators/azure-refuses-stream.ts';
import { dashscopeModel, startDashscopeEmulator } from '../emulators/dashscope-stream-only.ts';
import { deepseekModel, startDeepseekEmulator } from '../emulators/deepseek-keepalive.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { startTgiEmulator } from '../emulators/tgi-legacy-framing.ts';
import { startToolCallEmulator } from '../emulators/tool-call-fragments.ts';
import { startVllmEmulator, vllmModel } from '../emulators/vllm-absent-nulls.ts';
import { startXaiEmulator, xaiModel } from '../emulators/xai-rejects-stream-options.ts';
import { startGateway, type ChannelSpec, type Gateway } from '../support/start-gateway.ts';
import { expectCleanSse, fetchStrictSse } from '../support/strict-sse.ts';

interface Upstream {
  start(): Promise<Emulator>;
  channel: Omit<ChannelSpec, 'baseUrl'>;
  model: string;
}

const upstreams: readonly Upstream[] = [
  {
    start: startXaiEmulator,
    channel: { name: 'xai', models: [xaiModel], capabilities: { [xaiModel]: { stream_options: false } } },
    model: xaiModel,
  },
  { start: startTgiEmulator, channel: { name: 'tgi', models: ['llama-3-8b'] }, model: 'llama-3-8b' },
  {
    start: startDashscopeEmulator,
    channel: { name: 'dashscope', models: ['qwq-*'], capabilities: { 'qwq-*': { stream: 'required' } } },
    model: dashscopeModel,
  },
  {
    start: startAzureEmulator,
    channel: { name: 'azure', models: [azureModel], capabilities: { [azureModel]: { stream: 'unsupported' } } },
    model: azureModel,
  },
  { start: startDeepseekEmulator, channel: { name: 'deepseek', models: [deepseekModel] }, model: deepseekModel },
  { start: startVllmEmulator, channel: { name: 'vllm', models: [vllmModel] }, model: vllmModel },
  { start: startToolCallEmulator, channel: { name: 'tools', models: ['tools', 'tools-*'] }, model: 'tools-index1' },
  { start: startOpenAiEmulator, channel: { name: 'openai', models: ['gpt-4o-mini'] }, model: 'gpt-4o-mini' },
];

describe('raw SSE bytes from Sluice', () => {
  const emulators: Emulator[] = [];
  let gateway: Gateway;
  beforeAll(async () => {
    const channels: ChannelSpec[] = [{ name: 'echo', type: 'echo', models: ['echo'] }];
    for (const upstream of upstreams) {
      const emulator = await upstream.start();
      emulators.push(emulator);
      channels.push({ ...upstream.channel, baseUrl: emulator.url });
    }
    gateway = await startGateway(channels);
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all(emulators.map((emulator) => emulator.close()));
  });

  const models = [...upstreams.map((upstream) => upstream.model), 'echo'];
  describe.each(models)('%s', (model) => {
    it.each([true, false])('is clean SSE (include_usage: %s)', async (includeUsage) => {
      const answer = await fetchStrictSse(gateway.url, {
        model,
        messages: [{ role: 'user', content: 'Say hello.' }],
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      });
      expectCleanSse(answer);
      const withUsage = answer.events.filter((event) => event.data !== '[DONE]' && /"usage":\{/.test(event.data));
      expect(withUsage.length, 'events with a usage object').toBe(includeUsage ? 1 : 0);
    });
  });
});
