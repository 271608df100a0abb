// The client's JSON for POST /v1/audio/speech (OpenAI's API reference, "Create speech"; the openai
// SDK's resources/audio/speech.d.ts) → the call to relay, or a 400 before anything is sent. The answer
// is always streamed: audio bytes (or `stream_format: sse` events) go to the client as they arrive.
import * as z from 'zod';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { buildOnce } from '../../lib/build-once.ts';
import { describeType, parseWith } from '../describe-issue.ts';
import type { ParsedEndpointRequest } from '../endpoint-request.ts';
import { lenientNumber } from '../lenient-values.ts';

/** OpenAI's limit on `input`, in characters. */
export const maxSpeechInputCharacters = 4096;

// Built on the first speech request, not at start (lib/build-once.ts).
const speechSchema = buildOnce(() =>
  z.looseObject({
    model: z.string().min(1),
    input: z.string().min(1).max(maxSpeechInputCharacters),
    // A built-in voice's name, or a custom voice `{ "id": "voice_1234" }`.
    voice: z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })]),
    instructions: z.string().optional(),
    response_format: z.enum(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']).optional(),
    speed: lenientNumber(0.25, 4).optional(),
    stream_format: z.enum(['audio', 'sse']).optional(),
  }),
);

export function parseSpeechRequest(body: unknown): ParsedEndpointRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${describeType(body)}.`);
  const request = parseWith(speechSchema(), body);
  const sse = request.stream_format === 'sse';
  return { model: request.model, body: { kind: 'json', json: body }, answer: 'streamed', clientStream: sse, defaultContentType: sse ? 'text/event-stream' : 'application/octet-stream' };
}
