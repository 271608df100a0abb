// Issue 11 item 2 (labels): client-chosen model names never become metric labels. 3,000 random model
// names leave /metrics the size it had after one; configured names keep their own label, a name a
// channel serves through a glob is labelled with the glob, and anything else is `unknown`.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';

let sluice: RunningSluice;

beforeAll(async () => {
  const yaml = `
channels:
  - { name: echo, type: echo, models: [echo], model_map: { alias: echo } }
  - { name: globbed, type: echo, models: ["qwq-*"] }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'labels.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
});

afterAll(async () => {
  await sluice.close();
});

const chat = async (model: string): Promise<number> => {
  const response = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
  await response.arrayBuffer();
  return response.status;
};

/** The series of Sluice's own metrics that carry a model label (process metrics vary by themselves). */
async function modelSeries(): Promise<{ page: string; series: string[] }> {
  const page = await (await fetch(`${sluice.url}/metrics`)).text();
  return { page, series: page.split('\n').filter((line) => line.startsWith('sluice_') && line.includes('model="')) };
}

describe('metric labels', () => {
  it('keeps /metrics the same size after 3,000 random model names as after one', async () => {
    expect(await chat('echo')).toBe(200);
    expect(await chat('alias')).toBe(200);
    expect(await chat('qwq-32b')).toBe(200);
    expect(await chat(`random-${randomUUID()}`)).toBe(404);
    const before = await modelSeries();
    expect(before.page).toContain('model="echo"');
    expect(before.page).toContain('model="alias"');
    expect(before.page).toContain('model="qwq-*"');
    expect(before.page).toContain('model="unknown"');
    expect(before.page).not.toContain('qwq-32b');

    const names = 3000;
    for (let batch = 0; batch < names / 50; batch += 1) {
      const statuses = await Promise.all(Array.from({ length: 50 }, () => chat(`random-${randomUUID()}`)));
      expect(statuses.every((status) => status === 404)).toBe(true);
    }
    const after = await modelSeries();
    console.info(`/metrics after ${names} random model names: ${after.page.length} bytes, ${after.series.length} model series (before: ${before.page.length} bytes, ${before.series.length})`);
    expect(after.series.length).toBe(before.series.length);
    expect(after.page.length).toBeLessThan(200 * 1024);
    expect(after.page).not.toContain('random-');
  });
});
