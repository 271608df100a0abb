// Issue 12, item 6: GET /v1/models lists only what the calling key may use, and
// GET /v1/models/{id} answers one model (the list's entry) or 404 model_not_found, also for a model
// that exists but that the key may not use. Through the official SDK, as a client would ask.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';

const narrowKey = 'sk-narrow-key-0123456789';
const wideKey = 'sk-wide-key-0123456789';

let sluice: RunningSluice;

beforeAll(async () => {
  const yaml = `
keys:
  - { name: narrow, key: ${narrowKey}, models: ["echo-small", "org/*"] }
  - { name: wide, key: ${wideKey}, models: ["*"] }
channels:
  - { name: echo, type: echo, models: [echo-small, echo-large, org/model-a, "glob-*"], model_map: { alias: echo-large } }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'models.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
});

afterAll(async () => {
  await sluice.close();
});

const clientFor = (key: string) => new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: key, maxRetries: 0 });

async function listIds(key: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const model of clientFor(key).models.list()) ids.push(model.id);
  return ids.sort();
}

describe('models per key', () => {
  it('lists only the models the key may use', async () => {
    expect(await listIds(narrowKey)).toEqual(['echo-small', 'org/model-a']);
    expect(await listIds(wideKey)).toEqual(['alias', 'echo-large', 'echo-small', 'org/model-a']);
  });

  it('answers one model with the same object the list shows, also for an id with a slash', async () => {
    const listed = (await clientFor(narrowKey).models.list()).data.find((model) => model.id === 'org/model-a');
    const retrieved = await clientFor(narrowKey).models.retrieve('org/model-a');
    expect(retrieved).toEqual(listed);
    expect(retrieved).toMatchObject({ id: 'org/model-a', object: 'model', owned_by: 'echo' });
  });

  it('answers a model a glob channel serves', async () => {
    expect(await clientFor(wideKey).models.retrieve('glob-anything')).toMatchObject({ id: 'glob-anything', object: 'model' });
  });

  it.each([
    ['a model nobody serves', wideKey, 'no-such-model'],
    ['a model the key may not use', narrowKey, 'echo-large'],
    ['an alias the key may not use', narrowKey, 'alias'],
  ])('answers 404 model_not_found in the OpenAI shape for %s', async (_name, key, model) => {
    const response = await fetch(`${sluice.url}/v1/models/${encodeURIComponent(model)}`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(404);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found', param: 'model' });
    expect(error.message).toContain(`'${model}'`);
  });

  it('still refuses a caller without a key', async () => {
    expect((await fetch(`${sluice.url}/v1/models/echo-small`)).status).toBe(401);
    expect((await fetch(`${sluice.url}/v1/models`)).status).toBe(401);
  });
});
