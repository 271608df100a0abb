// Issue 18 item 3 through a real Sluice with the official openai SDK: audio transcriptions and
// translations (a multipart upload, answered as JSON, text/srt/vtt, or a stream of SSE events) and
// speech (binary audio passed on as it arrives, or SSE), each failed over before its first byte,
// against test/emulators/openai-media.ts, which answers as OpenAI's API reference documents.
import { defaultEndpointUnits } from '../../src/core/endpoint-units.ts';
import { request as httpRequest } from 'node:http';
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/emulator-server.ts';
import {
  sha256,
  speechAudio,
  speechPieces,
  speechUsage,
  srtText,
  startMediaEmulator,
  startOverloadedEmulator,
  transcriptDeltas,
  transcriptText,
  transcriptTokenUsage,
  verboseSeconds,
  vttText,
  type MediaEmulator,
} from '../emulators/openai-media.ts';
import { createAdminClient, eventually, type AdminCall } from '../support/admin-client.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const adminKey = 'admin-key-for-audio-tests';
const uploadBytes = 256 * 1024;
/** 40 KiB of "audio" with every byte value, so a text decode anywhere on the way would change it. */
const clip = Buffer.from(Array.from({ length: 40 * 1024 }, (_, index) => (index * 7 + 3) % 256));

let media: MediaEmulator;
let overloaded: Emulator;
let gateway: YamlGateway;
let admin: AdminCall;
let releaseLastPiece: () => void = () => undefined;
let lastPieceHeld = Promise.resolve();

beforeAll(async () => {
  media = await startMediaEmulator({ beforeLastSpeechPiece: () => lastPieceHeld });
  overloaded = await startOverloadedEmulator();
  // The *-failover models are served first by a channel that answers 503, then by the working one.
  gateway = await startYamlGateway(`
admin_key: ${adminKey}
limits: { upload_bytes: ${uploadBytes} }
retry: { attempts: 2, base_ms: 5, max_ms: 20 }
channels:
  - { name: overloaded, type: openai, base_url: ${overloaded.url}, api_key: k1, models: [whisper-failover, tts-failover], priority: 0 }
  - name: media
    type: openai
    base_url: ${media.url}
    api_key: k2
    models: [whisper-1, gpt-4o-transcribe, tts-1, whisper-failover, tts-failover]
    model_map: { whisper-failover: whisper-1, tts-failover: tts-1 }
    priority: 1
  - { name: azure, type: azure, base_url: ${media.url.replace(/\/v1$/, '')}, api_key: azure-key, api_version: "2024-10-21", models: [whisper-azure, tts-azure] }
`);
  admin = createAdminClient(gateway.url, adminKey);
});

afterAll(async () => {
  await gateway.close();
  await media.close();
  await overloaded.close();
});

const audioFile = () => toFile(clip, 'clip.wav', { type: 'audio/wav' });

/** The row of a stream, once written (after the stream's end) with the upstream's usage. */
async function streamRow(requestId: string | null) {
  const detail = await eventually(() => admin('GET', `/logs/${requestId ?? ''}`), (answer) => answer.status === 200 && answer.body.usage_source === 'upstream');
  expect(detail.body).toMatchObject({ usage_source: 'upstream' });
  return detail.body;
}

async function logRow(requestId: string | null) {
  const detail = await admin('GET', `/logs/${requestId ?? ''}`);
  expect(detail.status).toBe(200);
  return detail.body;
}

describe('POST /v1/audio/transcriptions', () => {
  it('uploads the file intact and relays the JSON answer, its usage recorded', async () => {
    const before = media.forms.length;
    const { data, response } = await gateway.client.audio.transcriptions.create({ file: await audioFile(), model: 'gpt-4o-transcribe', language: 'en', temperature: 0.2 }).withResponse();
    expect(data).toEqual({ text: transcriptText, usage: transcriptTokenUsage });
    expect(response.headers.get('content-type')).toContain('application/json');
    const form = media.forms[before];
    expect(form?.path).toBe('/v1/audio/transcriptions');
    expect(form?.files).toEqual([{ field: 'file', name: 'clip.wav', type: 'audio/wav', size: clip.length, sha256: sha256(clip) }]);
    expect(form?.fields).toMatchObject({ model: ['gpt-4o-transcribe'], language: ['en'], temperature: ['0.2'] });
    const row = await logRow(response.headers.get('x-request-id'));
    expect([row.prompt_tokens, row.completion_tokens]).toEqual([14, 11]);
  });

  it('relays text, srt and vtt as text/plain, as OpenAI sends them', async () => {
    for (const [format, expected] of [
      ['text', `${transcriptText}\n`],
      ['srt', srtText],
      ['vtt', vttText],
    ] as const) {
      const { data, response } = await gateway.client.audio.transcriptions.create({ file: await audioFile(), model: 'whisper-1', response_format: format }).withResponse();
      expect(data).toBe(expected);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    }
  });

  it('relays verbose_json with the timestamp granularities sent as OpenAI takes them, and records the duration', async () => {
    const before = media.forms.length;
    const { data, response } = await gateway.client.audio.transcriptions
      .create({ file: await audioFile(), model: 'whisper-1', response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'] })
      .withResponse();
    expect(data).toMatchObject({ task: 'transcribe', duration: verboseSeconds, text: transcriptText });
    expect(media.forms[before]?.fields['timestamp_granularities[]']).toEqual(['word', 'segment']);
    const row = await logRow(response.headers.get('x-request-id'));
    // units.audio_second (default 10, src/core/endpoint-units.ts) per started second of the reported duration.
    expect([row.prompt_tokens, row.completion_tokens]).toEqual([defaultEndpointUnits.audioSecond * Math.ceil(verboseSeconds), 0]);
  });

  it('relays a stream of transcript.text.delta events and the done event as SSE', async () => {
    const { data: stream, response } = await gateway.client.audio.transcriptions.create({ file: await audioFile(), model: 'gpt-4o-transcribe', stream: true }).withResponse();
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events: { type: string; delta?: string; text?: string }[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual(['transcript.text.delta', 'transcript.text.delta', 'transcript.text.delta', 'transcript.text.done']);
    expect(events.slice(0, 3).map((event) => event.delta)).toEqual(transcriptDeltas);
    expect(events[3]?.text).toBe(transcriptText);
    // The done event's usage is what the request used: logged and settled as the upstream's count.
    const row = await streamRow(response.headers.get('x-request-id'));
    expect([row.prompt_tokens, row.completion_tokens]).toEqual([transcriptTokenUsage.input_tokens, transcriptTokenUsage.output_tokens]);
  });

  it('fails over to the next channel when the first answers 503, re-sending the same bytes', async () => {
    const before = { forms: media.forms.length, refused: overloaded.received.length };
    const { data, response } = await gateway.client.audio.transcriptions.create({ file: await audioFile(), model: 'whisper-failover' }).withResponse();
    expect(data.text).toBe(transcriptText);
    expect(response.headers.get('x-sluice-channel')).toBe('media');
    expect(overloaded.received.length).toBeGreaterThan(before.refused);
    expect(overloaded.received.at(-1)?.bytes.includes(clip)).toBe(true);
    expect(media.forms[before.forms]?.files[0]?.sha256).toBe(sha256(clip));
    expect(media.forms[before.forms]?.fields.model).toEqual(['whisper-1']);
  });

  it('refuses an unknown response_format and a form without a file with a 400, relaying nothing', async () => {
    const before = media.received.length;
    const unknown = await gateway.client.audio.transcriptions.create({ file: await audioFile(), model: 'whisper-1', response_format: 'mp3' as 'json' }).catch((error: unknown) => error);
    expect(unknown).toMatchObject({ status: 400, param: 'response_format' });
    const form = new FormData();
    form.append('model', 'whisper-1');
    const missing = await fetch(`${gateway.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'file', message: expect.stringContaining("'file'") as unknown } });
    expect(media.received.length).toBe(before);
  });

  it('answers 413 for an upload over limits.upload_bytes before the body is all sent', async () => {
    const before = media.received.length;
    // Headers that announce a body over the cap, then only its first bytes: the 413 must come anyway.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = httpRequest(`${gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(uploadBytes + 1) } }, (incoming) => {
        const parts: Buffer[] = [];
        incoming.on('data', (part: Buffer) => parts.push(part));
        incoming.on('end', () => {
          resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') });
        });
      });
      outgoing.on('error', reject);
      // Without the cap the server would wait for the rest of the body: fail fast instead of hanging.
      outgoing.setTimeout(5000, () => {
        outgoing.destroy(new Error('no answer before the body was all sent'));
      });
      outgoing.write('--b\r\ncontent-disposition: form-data; name="file"; filename="a.wav"\r\n\r\n');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'body_too_large', message: expect.stringContaining(`${uploadBytes} bytes (limits.upload_bytes)`) as unknown } });
    // The SDK's own upload over the cap gets the same answer.
    const tooBig = await gateway.client.audio.transcriptions.create({ file: await toFile(Buffer.alloc(uploadBytes + 1), 'big.wav'), model: 'whisper-1' }).catch((error: unknown) => error);
    expect(tooBig).toMatchObject({ status: 413 });
    expect(media.received.length).toBe(before);
  });
});

// The SDK marks audio.translations deprecated; clients still call it, so Sluice relays it.
/* eslint-disable @typescript-eslint/no-deprecated */
describe('an Azure channel', () => {
  it('gets the upload and the speech call under the deployment, with its api-key', async () => {
    const before = media.received.length;
    expect((await gateway.client.audio.transcriptions.create({ file: await audioFile(), model: 'whisper-azure' })).text).toBe(transcriptText);
    const speech = await gateway.client.audio.speech.create({ model: 'tts-azure', input: 'Hello there.', voice: 'alloy' });
    expect(Buffer.from(await speech.arrayBuffer()).equals(speechAudio)).toBe(true);
    const [upload, spoken] = media.received.slice(before);
    expect(upload?.path).toBe('/openai/deployments/whisper-azure/audio/transcriptions?api-version=2024-10-21');
    expect(upload?.headers['api-key']).toBe('azure-key');
    expect(upload?.bytes.includes(clip)).toBe(true);
    expect(spoken?.path).toBe('/openai/deployments/tts-azure/audio/speech?api-version=2024-10-21');
  });
});

describe('POST /v1/audio/translations', () => {
  it('relays JSON and srt answers, and fails over before the first byte', async () => {
    const before = media.forms.length;
    expect(await gateway.client.audio.translations.create({ file: await audioFile(), model: 'whisper-1' })).toEqual({ text: transcriptText });
    expect(media.forms[before]?.path).toBe('/v1/audio/translations');
    expect(media.forms[before]?.files[0]?.sha256).toBe(sha256(clip));
    expect(await gateway.client.audio.translations.create({ file: await audioFile(), model: 'whisper-1', response_format: 'srt' })).toBe(srtText);
    const { data, response } = await gateway.client.audio.translations.create({ file: await audioFile(), model: 'whisper-failover' }).withResponse();
    expect(data.text).toBe(transcriptText);
    expect(response.headers.get('x-sluice-channel')).toBe('media');
    expect(overloaded.received.some((request) => request.path === '/v1/audio/translations')).toBe(true);
  });

  it('refuses diarized_json, which translations do not have', async () => {
    const refused = await gateway.client.audio.translations.create({ file: await audioFile(), model: 'whisper-1', response_format: 'diarized_json' as 'json' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, param: 'response_format' });
  });
});

/* eslint-enable @typescript-eslint/no-deprecated */

async function readPieces(body: ReadableStream<Uint8Array> | null): Promise<Buffer[]> {
  const pieces: Buffer[] = [];
  if (body === null) return pieces;
  for await (const piece of body) pieces.push(Buffer.from(piece));
  return pieces;
}

describe('POST /v1/audio/speech', () => {
  it('passes the audio on as it arrives, byte for byte, with the upstream’s content type', async () => {
    lastPieceHeld = new Promise((resolve) => {
      releaseLastPiece = resolve;
    });
    const response = await gateway.client.audio.speech.create({ model: 'tts-1', input: 'Hello there.', voice: 'alloy' });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    // The upstream holds its last piece until the client has bytes: those came before the end.
    const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
    const first = await reader?.read();
    expect(first?.done).toBe(false);
    expect(first?.value?.byteLength).toBeGreaterThan(0);
    expect(first?.value?.byteLength).toBeLessThan(speechAudio.length);
    releaseLastPiece();
    const rest: Uint8Array[] = [];
    for (let read = await reader?.read(); read !== undefined && !read.done; read = await reader?.read()) rest.push(read.value);
    const received = Buffer.concat([first?.value ?? new Uint8Array(), ...rest]);
    expect(received.length).toBe(speechAudio.length);
    expect(received.equals(speechAudio)).toBe(true);
    lastPieceHeld = Promise.resolve();
  });

  it('relays stream_format sse as speech.audio.delta events whose audio adds up to the whole', async () => {
    const response = await gateway.client.audio.speech.create({ model: 'tts-1', input: 'Hello there.', voice: 'alloy', stream_format: 'sse' });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = Buffer.concat(await readPieces(response.body)).toString('utf8');
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => JSON.parse(block.slice('data: '.length)) as { type: string; audio?: string });
    expect(events.map((event) => event.type)).toEqual([...Array.from({ length: speechPieces }, () => 'speech.audio.delta'), 'speech.audio.done']);
    expect(Buffer.concat(events.map((event) => Buffer.from(event.audio ?? '', 'base64'))).equals(speechAudio)).toBe(true);
    const row = await streamRow(response.headers.get('x-request-id'));
    expect([row.prompt_tokens, row.completion_tokens]).toEqual([speechUsage.input_tokens, speechUsage.output_tokens]);
  });

  it('fails over to the next channel when the first answers 503, before any audio is sent', async () => {
    const response = await gateway.client.audio.speech.create({ model: 'tts-failover', input: 'Hello there.', voice: 'alloy', response_format: 'mp3' });
    expect(response.headers.get('x-sluice-channel')).toBe('media');
    expect(Buffer.concat(await readPieces(response.body)).equals(speechAudio)).toBe(true);
    expect(overloaded.received.some((request) => request.path === '/v1/audio/speech' && request.body?.model === 'tts-failover')).toBe(true);
    expect(media.received.at(-1)?.body).toMatchObject({ model: 'tts-1', input: 'Hello there.', voice: 'alloy' });
  });

  it('refuses input over 4096 characters, a speed out of range and an unknown format with a 400, relaying nothing', async () => {
    const before = media.received.length;
    for (const [change, param] of [
      [{ input: 'x'.repeat(4097) }, 'input'],
      [{ speed: 5 }, 'speed'],
      [{ response_format: 'mp4' }, 'response_format'],
      [{ stream_format: 'chunks' }, 'stream_format'],
    ] as const) {
      const refused = await gateway.client.audio.speech.create({ model: 'tts-1', input: 'Hi.', voice: 'alloy', ...(change as object) }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ status: 400, param });
    }
    expect(media.received.length).toBe(before);
  });
});
