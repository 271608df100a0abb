// A well-behaved OpenAI upstream, the baseline for plain relay tests.
// Stream: role chunk (`content: ""`, `refusal: null`), content pieces, a finish chunk with
// `delta: {}`, and with `stream_options.include_usage` `usage: null` on every chunk plus a final
// `choices: []` usage chunk; `data: [DONE]`. Field order, `service_tier`, `system_fingerprint` and
// `obfuscation` follow vercel/ai packages/openai/src/chat/__fixtures__/openai-text.chunks.txt
// (docs/wire-formats.md 1.2); the non-stream body follows openai-text.json (1.5).
// Like OpenAI, it rejects `stream_options` on a non-stream call (BerriAI/litellm#5803; 1.3).
// It echoes the requested model (real OpenAI answers with a dated snapshot; TGI and Azure
// emulators cover that).
import {
  chatCompletionsOnly,
  hasValue,
  requestedModel,
  startEmulator,
  wantsStream,
  wantsUsage,
  writeJson,
  type Emulator,
  type JsonObject,
} from './emulator-server.ts';
import { streamOptionsWithoutStreamError } from './azure-refuses-stream.ts';
import {
  chunkJson,
  completionJson,
  deltaChoice,
  openAiUsage,
  usageNumbers,
  type ChunkIdentity,
} from './openai-chunks.ts';
import { dataFrame, openAiDone, splitWords, writeSse } from './sse-writer.ts';

export const openAiText = 'Hello from OpenAI!';
export const openAiUsageNumbers = usageNumbers(16, 5);
const head = { service_tier: 'default', system_fingerprint: 'fp_de604bd877' };

function identityFor(model: string): ChunkIdentity {
  return { id: 'chatcmpl-D8Z5GenericDeterministicId', created: 1770933892, model, head };
}

export function openAiStreamFrames(model: string, includeUsage: boolean): string[] {
  const identity = identityFor(model);
  const usageTail = includeUsage ? { usage: null } : {};
  let padding = 0;
  // `obfuscation` is random padding in real answers; here a fixed string per chunk.
  const chunk = (choices: readonly JsonObject[], tail: JsonObject): string =>
    dataFrame(chunkJson(identity, choices, { ...tail, obfuscation: `pad${String(padding++)}` }));
  const frames = [chunk([deltaChoice({ role: 'assistant', content: '', refusal: null })], usageTail)];
  for (const piece of splitWords(openAiText)) frames.push(chunk([deltaChoice({ content: piece })], usageTail));
  frames.push(chunk([deltaChoice({}, 'stop')], usageTail));
  if (includeUsage) frames.push(chunk([], { usage: openAiUsage(openAiUsageNumbers) }));
  frames.push(openAiDone);
  return frames;
}

export function openAiCompletionBody(model: string): string {
  return completionJson(
    { ...identityFor(model), head: {} },
    { role: 'assistant', content: openAiText, refusal: null, annotations: [] },
    'stop',
    { usage: openAiUsage(openAiUsageNumbers), ...head },
  );
}

export function startOpenAiEmulator(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response) => {
      const model = requestedModel(request);
      if (wantsStream(request)) {
        await writeSse(response, openAiStreamFrames(model, wantsUsage(request)), {
          'content-type': 'text/event-stream; charset=utf-8',
        });
      } else if (hasValue(request, 'stream_options')) {
        writeJson(response, 400, streamOptionsWithoutStreamError);
      } else {
        writeJson(response, 200, openAiCompletionBody(model));
      }
    }),
  );
}
