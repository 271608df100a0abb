// Issue 15 item 3: a quirk learned on one instance (xAI refusing `stream_options`,
// test/emulators/xai-rejects-stream-options.ts) is used by another instance on the same PostgreSQL:
// its first call goes right, with no second 400; and forgetting it on one instance forgets it on the
// other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { startXaiEmulator, xaiModel } from '../emulators/xai-rejects-stream-options.ts';
import { rowsOf } from '../support/admin-client.ts';
import { createDatabase, startInstance, timeUntil, type Instance } from './start-instances.ts';

const propagationBoundMs = 500;

const instances: Instance[] = [];
let first: Instance;
let second: Instance;
let xai: Emulator;

beforeAll(async () => {
  xai = await startXaiEmulator();
  const storeUrl = await createDatabase('notify_capabilities');
  const channels = `[{ name: xai, type: openai, base_url: "${xai.url}", api_key: sk-xai, models: [${xaiModel}] }]`;
  instances.push((first = await startInstance(storeUrl, channels)), (second = await startInstance(storeUrl, channels)));
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.sluice.close()));
  await xai.close();
});

async function streamWithUsage(instance: Instance): Promise<void> {
  const stream = await instance.client('any').chat.completions.create({ model: xaiModel, messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
  for await (const _part of stream) { /* drain */ }
}

const learnedOn = async (instance: Instance): Promise<boolean> => rowsOf(await instance.admin('GET', '/capabilities')).some((row) => row.channel === 'xai' && row.stream_options === false);

describe('capabilities learned on one instance', () => {
  it('are used by another instance from its first call, and forgotten everywhere', async () => {
    await streamWithUsage(first);
    expect(xai.received.map((request) => 'stream_options' in (request.body ?? {}))).toEqual([true, false]);
    const tookMs = await timeUntil(() => learnedOn(second), 2_000);
    console.info(`a learned capability reached the other instance in ${tookMs?.toFixed(1) ?? 'never'} ms`);
    expect(tookMs).toBeLessThan(propagationBoundMs);

    const before = xai.received.length;
    await streamWithUsage(second);
    // One call, without the parameter the upstream refuses: the other instance learned it already.
    expect(xai.received.slice(before).map((request) => 'stream_options' in (request.body ?? {}))).toEqual([false]);

    expect((await second.admin('DELETE', `/capabilities/xai/${xaiModel}`)).status).toBe(200);
    expect(await timeUntil(async () => !(await learnedOn(first)), 2_000)).toBeLessThan(propagationBoundMs);
  });
});
