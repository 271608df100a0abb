// Issue 18 item 2 (edits) through a real Sluice with the official openai SDK: POST /v1/images/edits
// as a multipart upload (one image, several as `image[]`, a mask), validated before anything is
// relayed, the answer relayed unchanged, and failover before the first byte, against
// test/emulators/openai-media.ts (OpenAI's API reference, "Create image edit").
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import { editedImageBase64, sha256, startMediaEmulator, startOverloadedEmulator, type MediaEmulator } from '../emulators/openai-media.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const png = (seed: number) => Buffer.from(Array.from({ length: 8 * 1024 }, (_, index) => (index * seed + 0x89) % 256));
const first = png(3);
const second = png(5);
const mask = png(11);

let media: MediaEmulator;
let overloaded: Emulator;
let gateway: YamlGateway;

beforeAll(async () => {
  media = await startMediaEmulator();
  overloaded = await startOverloadedEmulator();
  gateway = await startYamlGateway(`
retry: { attempts: 2, base_ms: 5, max_ms: 20 }
channels:
  - { name: overloaded, type: openai, base_url: ${overloaded.url}, api_key: k1, models: [image-failover], priority: 0 }
  - { name: media, type: openai, base_url: ${media.url}, api_key: k2, models: [gpt-image-1, image-failover], model_map: { image-failover: gpt-image-1 }, priority: 1 }
`);
});

afterAll(async () => {
  await gateway.close();
  await media.close();
  await overloaded.close();
});

describe('POST /v1/images/edits', () => {
  it('uploads one image and a mask intact and relays the answer unchanged', async () => {
    const before = media.forms.length;
    const { data, response } = await gateway.client.images
      .edit({ image: await toFile(first, 'cat.png', { type: 'image/png' }), mask: await toFile(mask, 'mask.png', { type: 'image/png' }), prompt: 'Add a hat', model: 'gpt-image-1', n: 2, size: '1024x1024', quality: 'high' })
      .withResponse();
    expect(data).toEqual({ created: 1713833628, data: [{ b64_json: editedImageBase64 }, { b64_json: editedImageBase64 }], usage: { total_tokens: 100, input_tokens: 50, output_tokens: 50 } });
    expect(response.headers.get('content-type')).toContain('application/json');
    const form = media.forms[before];
    expect(form?.fields).toMatchObject({ model: ['gpt-image-1'], prompt: ['Add a hat'], n: ['2'], size: ['1024x1024'], quality: ['high'] });
    expect(form?.files.map((file) => [file.field, file.name, file.type, file.sha256])).toEqual([
      ['image', 'cat.png', 'image/png', sha256(first)],
      ['mask', 'mask.png', 'image/png', sha256(mask)],
    ]);
  });

  it('relays several images as image[] in their order', async () => {
    const before = media.forms.length;
    await gateway.client.images.edit({ image: [await toFile(first, 'a.png', { type: 'image/png' }), await toFile(second, 'b.png', { type: 'image/png' })], prompt: 'Merge them', model: 'gpt-image-1' });
    expect(media.forms[before]?.files.map((file) => [file.field, file.name, file.sha256])).toEqual([
      ['image[]', 'a.png', sha256(first)],
      ['image[]', 'b.png', sha256(second)],
    ]);
  });

  it('fails over to the next channel when the first answers 503', async () => {
    const before = media.forms.length;
    const { data, response } = await gateway.client.images.edit({ image: await toFile(first, 'cat.png', { type: 'image/png' }), prompt: 'Add a hat', model: 'image-failover' }).withResponse();
    expect(data.data?.[0]?.b64_json).toBe(editedImageBase64);
    expect(response.headers.get('x-sluice-channel')).toBe('media');
    expect(overloaded.received.some((request) => request.path === '/v1/images/edits')).toBe(true);
    expect(media.forms[before]?.fields.model).toEqual(['gpt-image-1']);
    expect(media.forms[before]?.files[0]?.sha256).toBe(sha256(first));
  });

  it('refuses n out of range, an unknown response_format, no image and no prompt with a 400 naming the field, relaying nothing', async () => {
    const before = media.received.length;
    const image = await toFile(first, 'cat.png', { type: 'image/png' });
    for (const [change, param] of [
      [{ n: 11 }, 'n'],
      [{ n: 0 }, 'n'],
      [{ response_format: 'png' }, 'response_format'],
      [{ background: 'blue' }, 'background'],
    ] as const) {
      const refused = await gateway.client.images.edit({ image, prompt: 'Add a hat', model: 'gpt-image-1', ...(change as object) }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ status: 400, param });
    }
    const noImage = new FormData();
    noImage.append('model', 'gpt-image-1');
    noImage.append('prompt', 'Add a hat');
    const missing = await fetch(`${gateway.url}/v1/images/edits`, { method: 'POST', body: noImage });
    expect([missing.status, ((await missing.json()) as { error: { param: string } }).error.param]).toEqual([400, 'image']);
    const noPrompt = await gateway.client.images.edit({ image, model: 'gpt-image-1' } as unknown as { image: typeof image; prompt: string }).catch((error: unknown) => error);
    expect(noPrompt).toMatchObject({ status: 400, param: 'prompt' });
    expect(media.received.length).toBe(before);
  });
});
