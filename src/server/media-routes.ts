// POST /v1/audio/transcriptions, /v1/audio/translations, /v1/audio/speech and /v1/images/edits
// (issue 18; docs/endpoints.md): each route's parser, on the shared endpoint route shape. The three
// multipart routes take a body up to `limits.upload_bytes`, read once into one buffer by the
// multipart content-type parser (build-app.ts) and parsed here; speech takes JSON like the others.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { MultipartFile } from '../core/endpoint.ts';
import { parseSpeechRequest } from '../ingress/audio/parse-speech-request.ts';
import { parseTranscriptionRequest, type AudioTextEndpoint } from '../ingress/audio/parse-transcription-request.ts';
import type { ParsedEndpointRequest } from '../ingress/endpoint-request.ts';
import { parseImageEditRequest } from '../ingress/images/parse-image-edit-request.ts';
import { defaultMultipartBounds, parseMultipart, type MultipartForm } from '../ingress/multipart/parse-multipart.ts';
import { parseJsonText } from '../ingress/parse-json-text.ts';
import { summarizeForm } from '../relay/encode-endpoint-body.ts';
import type { JsonObject } from '../core/chat.ts';
import { createEndpointHandler, readCount, type EndpointRequest, type EndpointRoute, type UsageCount } from './endpoint-route.ts';
import type { EndpointName } from '../core/endpoint.ts';
import { countsImages, unitsOfAudio, unitsOfImages, unitsOfRequest, type EndpointUnits } from '../core/endpoint-units.ts';
import type { RouteOptions } from './relayed-route.ts';
import { allow } from './route-access.ts';

function readForm(request: FastifyRequest): MultipartForm {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const contentType = request.headers['content-type'];
  return parseMultipart(body, contentType, defaultMultipartBounds);
}

/** The client's form as debug capture keeps it: its fields, and each file by name, type, size and sha256 (computed only then). */
function describeForm(fields: readonly (readonly [string, string])[], files: readonly MultipartFile[]): () => string {
  return () => JSON.stringify(summarizeForm(fields, files, true));
}

function withUnits(parsed: ParsedEndpointRequest, units: number, describe?: () => string): EndpointRequest {
  return { ...parsed, units, ...(describe === undefined ? {} : { describe }) };
}

/**
 * Units reserved for a form's call until its answer says what it used (config `units`,
 * src/core/endpoint-units.ts): image edits per image asked for (`n`), audio per request (its length is
 * not known before the upstream has read it).
 */
function unitsOfForm(endpoint: EndpointName, form: MultipartForm, units: EndpointUnits): number {
  if (!countsImages(endpoint)) return unitsOfRequest(units);
  const n = Number(form.fields.find(([name]) => name === 'n')?.[1]);
  return unitsOfImages(units, Number.isSafeInteger(n) && n > 0 ? n : undefined);
}

function fromForm(endpoint: EndpointName, parse: (form: MultipartForm) => ParsedEndpointRequest, units: EndpointUnits) {
  return (request: FastifyRequest): EndpointRequest => {
    const form = readForm(request);
    return withUnits(parse(form), unitsOfForm(endpoint, form, units), describeForm(form.fields, form.files));
  };
}

/**
 * A transcription's `usage` (OpenAI's API reference, "The transcription object", and its stream's
 * `transcript.text.done`): `{type: "tokens", input_tokens, output_tokens}` for the gpt-4o models,
 * `{type: "duration", seconds}` for whisper-1.
 */
export function countTranscriptionUsage(usage: JsonObject, units: EndpointUnits): UsageCount {
  if (usage.type === 'duration') return { prompt: unitsOfAudio(units, readCount(usage.seconds)), completion: 0 };
  return { prompt: readCount(usage.input_tokens), completion: readCount(usage.output_tokens) };
}

function transcriptionRoute(endpoint: AudioTextEndpoint, units: EndpointUnits): EndpointRoute {
  return { endpoint, parse: fromForm(endpoint, (form) => parseTranscriptionRequest(form, endpoint), units), countUsage: (usage) => countTranscriptionUsage(usage, units), textAnswers: true };
}

export function registerMediaRoutes(app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse>, options: RouteOptions, uploadBytes: number, units: EndpointUnits): void {
  // Each upload route reads up to limits.upload_bytes; fastify answers 413 before reading past it.
  const upload = (endpoint: string) => ({ config: { ...allow('client', endpoint).config, bodyLimitSetting: 'limits.upload_bytes' }, bodyLimit: uploadBytes });
  app.post('/v1/audio/transcriptions', upload('audio.transcriptions'), createEndpointHandler(options, transcriptionRoute('audio.transcriptions', units)));
  app.post('/v1/audio/translations', upload('audio.translations'), createEndpointHandler(options, transcriptionRoute('audio.translations', units)));
  app.post('/v1/images/edits', upload('images.edits'), createEndpointHandler(options, { endpoint: 'images.edits', parse: fromForm('images.edits', parseImageEditRequest, units) }));
  app.post(
    '/v1/audio/speech',
    allow('client', 'audio.speech'),
    createEndpointHandler(options, { endpoint: 'audio.speech', parse: (request) => withUnits(parseSpeechRequest(parseJsonText(typeof request.body === 'string' ? request.body : '')), unitsOfRequest(units)) }),
  );
}
