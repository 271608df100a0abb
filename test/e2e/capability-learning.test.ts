// docs/design.md "Capabilities": with no operator hint, a 400 that says a model needs streaming, refuses
// streaming, or does not know stream_options makes Sluice adapt and retry the same channel at once,
// and remember it, so the next call goes right the first time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureModel, azureText, startAzureEmulator } from '../emulators/azure-refuses-stream.ts';
import { dashscopeModel, dashscopeText, startDashscopeEmulator } from '../emulators/dashscope-stream-only.ts';
import type { Emulator, JsonObject } from '../emulators/emulator-server.ts';
import { startXaiEmulator, xaiModel, xaiText } from '../emulators/xai-rejects-stream-options.ts';
import { completeChat, streamChat } from '../support/collect-chat-stream.ts';
import { startGateway, type Gateway } from '../support/start-gateway.ts';

function upstreamModes(emulator: Emulator): { stream: unknown; streamOptions: boolean }[] {
  return emulator.received.map((request) => {
    const body: JsonObject = request.body ?? {};
    return { stream: body['stream'] ?? false, streamOptions: Object.hasOwn(body, 'stream_options') };
  });
}

describe('Sluice learning capabilities from upstream 400s (no hints configured)', () => {
  let xai: Emulator;
  let dashscope: Emulator;
  let azure: Emulator;
  let gateway: Gateway;
  beforeAll(async () => {
    [xai, dashscope, azure] = await Promise.all([startXaiEmulator(), startDashscopeEmulator(), startAzureEmulator()]);
    gateway = await startGateway([
      { name: 'xai', baseUrl: xai.url, models: [xaiModel] },
      { name: 'dashscope', baseUrl: dashscope.url, models: ['qwq-*'] },
      { name: 'azure', baseUrl: azure.url, models: [azureModel] },
    ]);
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([xai.close(), dashscope.close(), azure.close()]);
  });

  it('drops stream_options after xAI refuses it, and does not send it again', async () => {
    const first = await streamChat(gateway.client, xaiModel, true);
    expect(first.content).toBe(xaiText);
    expect(upstreamModes(xai)).toEqual([
      { stream: true, streamOptions: true },
      { stream: true, streamOptions: false },
    ]);
    xai.received.length = 0;
    const second = await streamChat(gateway.client, xaiModel, true);
    expect(second.content).toBe(xaiText);
    expect(upstreamModes(xai)).toEqual([{ stream: true, streamOptions: false }]);
  });

  it('switches DashScope QwQ to stream mode after its 400, and starts there next time', async () => {
    const first = await completeChat(gateway.client, dashscopeModel);
    expect(first.choices[0]?.message.content).toBe(dashscopeText);
    expect(upstreamModes(dashscope).map((mode) => mode.stream)).toEqual([false, true]);
    dashscope.received.length = 0;
    const second = await completeChat(gateway.client, dashscopeModel);
    expect(second.choices[0]?.message.content).toBe(dashscopeText);
    expect(upstreamModes(dashscope).map((mode) => mode.stream)).toEqual([true]);
  });

  it('switches o3-mini to non-stream mode after its 400, and starts there next time', async () => {
    const first = await streamChat(gateway.client, azureModel, false);
    expect(first.content).toBe(azureText);
    expect(upstreamModes(azure).map((mode) => mode.stream)).toEqual([true, false]);
    azure.received.length = 0;
    const second = await streamChat(gateway.client, azureModel, false);
    expect(second.content).toBe(azureText);
    expect(upstreamModes(azure)).toEqual([{ stream: false, streamOptions: false }]);
  });
});
