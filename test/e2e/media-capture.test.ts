// Issue 18 item 5, debug capture of binary bodies: through a channel with `debug: true`, an uploaded
// file is recorded by name, type, size and sha256 on the client's side and on the upstream's, and a
// binary answer (speech audio) by size, type and sha256 instead of its bytes — shown by
// GET /admin/api/logs/:request_id. JSON answers stay as their text.
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, speechAudio, startMediaEmulator, transcriptText, type MediaEmulator } from '../emulators/openai-media.ts';
import { createAdminClient, type AdminCall, type Loose } from '../support/admin-client.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const adminKey = 'admin-key-for-media-capture';
const clip = Buffer.from(Array.from({ length: 20 * 1024 }, (_, index) => (index * 13 + 1) % 256));

let media: MediaEmulator;
let gateway: YamlGateway;
let admin: AdminCall;

beforeAll(async () => {
  media = await startMediaEmulator();
  gateway = await startYamlGateway(`
admin_key: ${adminKey}
channels:
  - { name: media, type: openai, base_url: ${media.url}, api_key: media-upstream-key, models: [whisper-1, tts-1], debug: true }
`);
  admin = createAdminClient(gateway.url, adminKey);
});

afterAll(async () => {
  await gateway.close();
  await media.close();
});

async function captureOf(requestId: string | null): Promise<Loose> {
  const detail = await admin('GET', `/logs/${requestId ?? ''}`);
  expect(detail.status).toBe(200);
  expect(detail.body.captured).toBe(true);
  return detail.body.capture as Loose;
}

describe('debug capture of audio', () => {
  it('records an uploaded file by size, type and sha256 on both sides, never its bytes', async () => {
    const { data, response } = await gateway.client.audio.transcriptions.create({ file: await toFile(clip, 'clip.wav', { type: 'audio/wav' }), model: 'whisper-1' }).withResponse();
    expect(data.text).toBe(transcriptText);
    const capture = await captureOf(response.headers.get('x-request-id'));
    const described = `[file clip.wav, audio/wav, ${clip.length} bytes, sha256 ${sha256(clip)}]`;
    expect(JSON.parse(String(capture.client_request))).toEqual({ model: 'whisper-1', file: described });
    const [attempt] = capture.attempts;
    expect(JSON.parse(String(attempt.request_body))).toEqual({ model: 'whisper-1', file: described });
    expect(attempt.response_body).toContain(transcriptText);
    expect(JSON.stringify(capture)).not.toContain(clip.subarray(0, 64).toString('latin1'));
  });

  it('records a binary answer as [N bytes, type, sha256] while the client gets every byte', async () => {
    const response = await gateway.client.audio.speech.create({ model: 'tts-1', input: 'Hello there.', voice: 'alloy' });
    expect(Buffer.from(await response.arrayBuffer()).equals(speechAudio)).toBe(true);
    const capture = await captureOf(response.headers.get('x-request-id'));
    const [attempt] = capture.attempts;
    expect(attempt.response_body).toBe(`[${speechAudio.length} bytes, audio/mpeg, sha256 ${sha256(speechAudio)}]`);
    expect(attempt.truncated).toBe(false);
    expect(JSON.parse(String(capture.client_request))).toMatchObject({ model: 'tts-1', input: 'Hello there.' });
  });
});
