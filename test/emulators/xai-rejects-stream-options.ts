// xAI grok-2-1212 rejecting `stream_options`.
// Seen: QuantumNous/new-api#940 ("grok-2-1212 使用stream请求报错": new-api injected stream_options and
// showed only "bad response status code 400"; new-api#954 same, fixed by FORCE_STREAM_OPTION=false)
// and cline/cline#2764 (400 "Argument not supported: stream_options", grok-2 models).
// Error body shape: xAI answers `{"code": "<gRPC status text>", "error": "<message string>"}` — an
// `error` that is a string, not an object (NousResearch/hermes-agent#27197 shows
// {'code': 'Client specified an invalid argument', 'error': …} for a 400, #34171 the same shape for
// a 403). The exact bytes of the stream_options 400 were not published; this body joins the
// message from cline#2764 with the shape from hermes-agent#27197.
// Success answers follow vercel/ai packages/xai/src/__fixtures__/xai-text.chunks.txt: chunks omit
// `logprobs`, `finish_reason` and `usage` until needed, role rides on the first content delta,
// `system_fingerprint` comes after `choices` (docs/wire-formats.md 2.2).
import {
  chatCompletionsOnly,
  hasField,
  startEmulator,
  wantsStream,
  writeJson,
  type Emulator,
} from './emulator-server.ts';
import { chunkJson, usageNumbers, type ChunkIdentity } from './openai-chunks.ts';
import { dataFrame, openAiDone, splitWords, writeSse } from './sse-writer.ts';

export const xaiModel = 'grok-2-1212';
export const xaiText = 'Hello from xAI!';
export const xaiUsage = usageNumbers(11, 5);
export const xaiStreamOptionsError =
  '{"code":"Client specified an invalid argument","error":"Argument not supported: stream_options"}';

const identity: ChunkIdentity = { id: 'b7c1e0f2-5d3a-4c1e-9f0a-2a6d8e4b7c10', created: 1735689600, model: xaiModel };
const fingerprint = { system_fingerprint: 'fp_5c0c5bd4a1' };

export function xaiStreamFrames(): string[] {
  const pieces = splitWords(xaiText);
  const frames = pieces.map((piece, position) =>
    dataFrame(
      chunkJson(identity, [{ index: 0, delta: position === 0 ? { content: piece, role: 'assistant' } : { content: piece } }], fingerprint),
    ),
  );
  frames.push(dataFrame(chunkJson(identity, [{ index: 0, delta: {}, finish_reason: 'stop' }], fingerprint)));
  frames.push(openAiDone);
  return frames;
}

export function xaiCompletionBody(): string {
  return JSON.stringify({
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: xaiModel,
    choices: [{ index: 0, message: { role: 'assistant', content: xaiText, refusal: null }, finish_reason: 'stop' }],
    usage: {
      ...xaiUsage,
      prompt_tokens_details: { text_tokens: xaiUsage.prompt_tokens, audio_tokens: 0, image_tokens: 0, cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      num_sources_used: 0,
    },
    ...fingerprint,
  });
}

export function startXaiEmulator(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response) => {
      if (hasField(request, 'stream_options')) {
        writeJson(response, 400, xaiStreamOptionsError);
        return;
      }
      if (wantsStream(request)) {
        await writeSse(response, xaiStreamFrames());
        return;
      }
      writeJson(response, 200, xaiCompletionBody());
    }),
  );
}
