// OpenAI's audio and image-edit endpoints as its API reference documents them
// (platform.openai.com/docs/api-reference/audio, …/images/createEdit):
// - POST /v1/audio/transcriptions, "Create transcription": `json` → `{"text", "usage"}` with
//   `usage: {type: "tokens", input_tokens, output_tokens, total_tokens}`; `verbose_json` → task,
//   language, duration, text, segments and `usage: {type: "duration", seconds}`; `text`, `srt`, `vtt`
//   as `text/plain; charset=utf-8`; `stream=true` → `text/event-stream` of `data:` lines with
//   `transcript.text.delta` ({delta}) then `transcript.text.done` ({text, usage}), the reference's
//   "Stream transcription" example.
// - POST /v1/audio/translations, "Create translation": `json` → `{"text"}`, text formats as above.
// - POST /v1/audio/speech, "Create speech": "The audio file content", `audio/mpeg` for mp3, sent as it
//   is made (here in several pieces with pauses); `stream_format: sse` → `speech.audio.delta`
//   ({audio: base64}) then `speech.audio.done` ({usage}).
// - POST /v1/images/edits, "Create image edit": `{created, data: [{b64_json}], usage}`.
// Azure OpenAI serves the same bodies under a deployment (`/openai/deployments/{d}/audio/…?api-version=…`,
// learn.microsoft.com/azure/ai-foundry/openai/reference): those paths are answered like `/v1/…`.
// Multipart forms are read with undici's own FormData parser, independent of Sluice's.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator, type ReceivedRequest } from './emulator-server.ts';

export const transcriptText = 'The quick brown fox jumped over the lazy dog.';
export const transcriptDeltas = ['The quick', ' brown fox', ' jumped over the lazy dog.'];
export const transcriptTokenUsage = { type: 'tokens', input_tokens: 14, output_tokens: 11, total_tokens: 25, input_token_details: { text_tokens: 0, audio_tokens: 14 } };
export const verboseSeconds = 3.2;
export const srtText = `1\n00:00:00,000 --> 00:00:03,200\n${transcriptText}\n\n`;
export const vttText = `WEBVTT\n\n00:00:00.000 --> 00:00:03.200\n${transcriptText}\n\n`;
/** 48 KiB of deterministic "audio", written in `speechPieces` pieces. */
export const speechAudio = Buffer.from(Array.from({ length: 48 * 1024 }, (_, index) => (index * 31 + (index >> 8)) % 256));
export const speechPieces = 4;
export const speechUsage = { input_tokens: 12, output_tokens: 300, total_tokens: 312 };
export const editedImageBase64 = Buffer.from('\x89PNG edited').toString('base64');

export interface UploadedFile {
  field: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
}

export interface ReceivedForm {
  path: string;
  fields: Record<string, string[]>;
  files: UploadedFile[];
}

export interface MediaEmulator extends Emulator {
  forms: ReceivedForm[];
}

export interface MediaOptions {
  /** Awaited before speech's last piece: a test holds it to see the first pieces reach the client first. */
  beforeLastSpeechPiece?: () => Promise<void>;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readForm(request: ReceivedRequest): Promise<ReceivedForm> {
  const contentType = request.headers['content-type'] ?? '';
  // undici's FormData parser (a test emulator, not a server path).
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const form = await new Response(request.bytes, { headers: { 'content-type': contentType } }).formData();
  const received: ReceivedForm = { path: request.path, fields: {}, files: [] };
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') (received.fields[name] ??= []).push(value);
    else {
      const bytes = new Uint8Array(await value.arrayBuffer());
      received.files.push({ field: name, name: value.name, type: value.type, size: bytes.byteLength, sha256: sha256(bytes) });
    }
  }
  return received;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function sendText(response: ServerResponse, text: string): void {
  response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}

async function sendEvents(response: ServerResponse, events: readonly object[]): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of events) {
    response.write(`data: ${JSON.stringify(event)}\n\n`);
    await sleep(5);
  }
  response.end();
}

const plainTextAnswers: Readonly<Record<string, string>> = { text: `${transcriptText}\n`, srt: srtText, vtt: vttText };

async function answerTranscription(form: ReceivedForm, response: ServerResponse, translation: boolean): Promise<void> {
  if (form.fields.stream?.[0] === 'true') {
    const deltas = transcriptDeltas.map((delta) => ({ type: 'transcript.text.delta', delta }));
    await sendEvents(response, [...deltas, { type: 'transcript.text.done', text: transcriptText, usage: transcriptTokenUsage }]);
    return;
  }
  const format = form.fields.response_format?.[0] ?? 'json';
  const text = plainTextAnswers[format];
  if (text !== undefined) {
    sendText(response, text);
    return;
  }
  if (format === 'verbose_json') {
    const segment = { id: 0, seek: 0, start: 0, end: verboseSeconds, text: transcriptText, tokens: [50364, 440], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01 };
    sendJson(response, 200, { task: translation ? 'translate' : 'transcribe', language: 'english', duration: verboseSeconds, text: transcriptText, segments: [segment], usage: { type: 'duration', seconds: Math.ceil(verboseSeconds) } });
    return;
  }
  sendJson(response, 200, translation ? { text: transcriptText } : { text: transcriptText, usage: transcriptTokenUsage });
}

async function answerSpeech(request: ReceivedRequest, response: ServerResponse, options: MediaOptions): Promise<void> {
  if (request.body?.stream_format === 'sse') {
    const pieces = Array.from({ length: speechPieces }, (_, index) => speechAudio.subarray((index * speechAudio.length) / speechPieces, ((index + 1) * speechAudio.length) / speechPieces));
    await sendEvents(response, [...pieces.map((piece) => ({ type: 'speech.audio.delta', audio: piece.toString('base64') })), { type: 'speech.audio.done', usage: speechUsage }]);
    return;
  }
  response.writeHead(200, { 'content-type': 'audio/mpeg', 'transfer-encoding': 'chunked' });
  const size = speechAudio.length / speechPieces;
  for (let index = 0; index < speechPieces; index += 1) {
    if (index === speechPieces - 1) await options.beforeLastSpeechPiece?.();
    response.write(speechAudio.subarray(index * size, (index + 1) * size));
    await sleep(15);
  }
  response.end();
}

export async function startMediaEmulator(options: MediaOptions = {}): Promise<MediaEmulator> {
  const forms: ReceivedForm[] = [];
  const emulator = await startEmulator(async (request, response) => {
    const path = (request.path.split('?')[0] ?? '').replace(/^\/openai\/deployments\/[^/]+\//, '/v1/');
    if (request.method === 'POST' && path === '/v1/audio/speech') return answerSpeech(request, response, options);
    if (request.method !== 'POST' || !['/v1/audio/transcriptions', '/v1/audio/translations', '/v1/images/edits'].includes(path)) {
      sendJson(response, 404, { error: { message: `Invalid URL (${request.method} ${path})`, type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    const form = await readForm(request);
    forms.push(form);
    if (path === '/v1/images/edits') {
      const n = Number(form.fields.n?.[0] ?? '1');
      sendJson(response, 200, { created: 1713833628, data: Array.from({ length: n }, () => ({ b64_json: editedImageBase64 })), usage: { total_tokens: 100, input_tokens: 50, output_tokens: 50 } });
      return;
    }
    return answerTranscription(form, response, path === '/v1/audio/translations');
  });
  return { ...emulator, forms };
}

/** An upstream that refuses every call with OpenAI's 503 "overloaded" error, for failover before the first byte. */
export async function startOverloadedEmulator(): Promise<Emulator> {
  return startEmulator((_request, response) => {
    sendJson(response, 503, { error: { message: 'The server is overloaded or not ready yet.', type: 'server_error', param: null, code: null } });
  });
}
