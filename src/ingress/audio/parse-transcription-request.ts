// The client's multipart form for POST /v1/audio/transcriptions and /v1/audio/translations (OpenAI's
// API reference, "Create transcription" / "Create translation"; the openai SDK's
// resources/audio/transcriptions.d.ts) → the call to relay, or a 400 before anything is sent. Fields
// the reference does not list pass through (vendor extensions, `chunking_strategy[type]` …).
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import { buildOnce } from '../../lib/build-once.ts';
import { parseWith } from '../describe-issue.ts';
import type { ParsedEndpointRequest } from '../endpoint-request.ts';
import { lenientBoolean, lenientNumber } from '../lenient-values.ts';
import { filesNamed, readFormObject } from '../multipart/read-form-object.ts';
import type { MultipartForm } from '../multipart/parse-multipart.ts';

/** `diarized_json` is the transcription format of gpt-4o-transcribe-diarize; translations have no such model. */
export const transcriptionFormats = ['json', 'text', 'srt', 'verbose_json', 'vtt', 'diarized_json'] as const;
export const translationFormats = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;

/** OpenAI answers these formats as `text/plain; charset=utf-8`, the others as JSON. */
const plainTextFormats: ReadonlySet<string> = new Set(['text', 'srt', 'vtt']);

// Both built on the first transcription or translation, not at start (lib/build-once.ts).
const audioTextSchemas = buildOnce(() => {
  const common = {
    model: z.string().min(1),
    prompt: z.string().optional(),
    temperature: lenientNumber(0, 1).optional(),
  };
  const transcription = z.looseObject({
    ...common,
    language: z.string().optional(),
    response_format: z.enum(transcriptionFormats).optional(),
    stream: lenientBoolean.optional(),
    'timestamp_granularities[]': z.array(z.enum(['word', 'segment'])).optional(),
    'include[]': z.array(z.enum(['logprobs'])).optional(),
    // An object (server_vad) comes as `chunking_strategy[type]` … fields, which pass through.
    chunking_strategy: z.literal('auto').optional(),
  });
  const translation = z.looseObject({
    ...common,
    response_format: z.enum(translationFormats).optional(),
  });
  return { transcription, translation };
});

export type AudioTextEndpoint = 'audio.transcriptions' | 'audio.translations';

export function parseTranscriptionRequest(form: MultipartForm, endpoint: AudioTextEndpoint): ParsedEndpointRequest {
  const files = filesNamed(form, ['file']);
  if (files.length !== 1) {
    throw new GatewayError('invalid_request', files.length === 0 ? "Missing required parameter: 'file' (the audio file to transcribe, as a form part with a filename)." : "Only one 'file' may be sent.", { param: 'file' });
  }
  const object = readFormObject(form);
  if (endpoint === 'audio.translations' && object.stream !== undefined && object.stream !== 'false') {
    throw new GatewayError('invalid_request', "Unsupported parameter: 'stream'. Translations are not streamed; use /v1/audio/transcriptions for a stream.", { param: 'stream' });
  }
  const schemas = audioTextSchemas();
  const request = endpoint === 'audio.transcriptions' ? parseWith(schemas.transcription, object) : parseWith(schemas.translation, object);
  const format = request.response_format ?? 'json';
  if ('timestamp_granularities[]' in request && request['timestamp_granularities[]'] !== undefined && format !== 'verbose_json') {
    throw new GatewayError('invalid_request', "'timestamp_granularities[]' needs response_format 'verbose_json'.", { param: 'timestamp_granularities' });
  }
  const stream = 'stream' in request && request.stream === true;
  return {
    model: request.model,
    body: { kind: 'multipart', fields: form.fields, files: form.files },
    answer: stream ? 'streamed' : 'whole',
    clientStream: stream,
    defaultContentType: stream ? 'text/event-stream' : plainTextFormats.has(format) ? 'text/plain; charset=utf-8' : 'application/json',
  };
}
