// DeepSeek under load: the connection is held open while the request waits to be scheduled.
// Streaming requests receive SSE comments `: keep-alive`; non-streaming requests receive empty lines
// before the JSON body (DeepSeek API docs "Rate Limit", mirrored at
// share.apidog.com/apidoc/docs-site/747793/rate-limit-835830m0; docs/wire-formats.md 2.4 and 4.6).
// Chunk bytes follow vercel/ai packages/deepseek/src/chat/__fixtures__/deepseek-reasoning.chunks.txt:
// `reasoning_content` deltas with `content: null`, `usage: null` on every chunk, and no separate usage
// chunk — usage (with prompt_cache_hit_tokens / prompt_cache_miss_tokens) rides on the chunk that
// carries finish_reason. Assumed, not verified: DeepSeek puts that usage there whether or not the
// request asked for `stream_options.include_usage`, so a gateway must drop it when not asked.
// The non-stream body follows deepseek-reasoning.json from the same fixture folder.
import {
  chatCompletionsOnly,
  requestedModel,
  startEmulator,
  wantsStream,
  type Emulator,
  type JsonObject,
} from './emulator-server.ts';
import { chunkJson, completionJson, deltaChoice, usageNumbers, type ChunkIdentity } from './openai-chunks.ts';
import { dataFrame, openAiDone, splitWords, writeChunked, writeSse } from './sse-writer.ts';

export const deepseekModel = 'deepseek-reasoner';
export const deepseekReasoning = 'The user says hello. Greet them.';
export const deepseekText = 'Hello from DeepSeek!';
export const deepseekUsage = usageNumbers(97, 21);
export const deepseekReasoningTokens = 9;
export const keepAlive = ': keep-alive\n\n';
/** What precedes the non-stream JSON body while the request waits. */
export const deepseekLeadingLines = ['\n', '\n', '\n'];

function identityFor(model: string, object: 'chunk' | 'completion'): ChunkIdentity {
  return {
    id: object === 'chunk' ? 'b1e23612-29d5-4f66-b185-fb61fdde0ac9' : '96ab47fa-9056-448e-8293-24546c4b4c2a',
    created: 1738000000,
    model,
    head: { system_fingerprint: 'fp_7e73fd9a08' },
  };
}

function deepseekUsageObject(): JsonObject {
  return {
    ...deepseekUsage,
    prompt_tokens_details: { cached_tokens: 64 },
    completion_tokens_details: { reasoning_tokens: deepseekReasoningTokens },
    prompt_cache_hit_tokens: 64,
    prompt_cache_miss_tokens: deepseekUsage.prompt_tokens - 64,
  };
}

export function deepseekStreamFrames(model: string): string[] {
  const identity = identityFor(model, 'chunk');
  const chunk = (delta: JsonObject, finishReason: string | null = null, usage: JsonObject | null = null): string =>
    dataFrame(chunkJson(identity, [deltaChoice(delta, finishReason)], { usage }));
  const frames = [keepAlive, keepAlive, chunk({ role: 'assistant', content: null, reasoning_content: '' })];
  splitWords(deepseekReasoning).forEach((piece, position) => {
    if (position === 2) frames.push(keepAlive);
    frames.push(chunk({ content: null, reasoning_content: piece }));
  });
  frames.push(keepAlive);
  for (const piece of splitWords(deepseekText)) frames.push(chunk({ content: piece, reasoning_content: null }));
  frames.push(chunk({ content: '', reasoning_content: null }, 'stop', deepseekUsageObject()));
  frames.push(openAiDone);
  return frames;
}

export function deepseekCompletionBody(model: string): string {
  return completionJson(
    { ...identityFor(model, 'completion'), head: {} },
    { role: 'assistant', content: deepseekText, reasoning_content: deepseekReasoning },
    'stop',
    { usage: deepseekUsageObject(), system_fingerprint: 'fp_7e73fd9a08' },
  );
}

export function startDeepseekEmulator(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response) => {
      const model = requestedModel(request);
      if (wantsStream(request)) {
        await writeSse(response, deepseekStreamFrames(model), { 'content-type': 'text/event-stream; charset=utf-8' });
        return;
      }
      // Headers go out at once and the body starts with empty lines, so no content-length (chunked).
      await writeChunked(response, [...deepseekLeadingLines, deepseekCompletionBody(model)], {
        'content-type': 'application/json',
      });
    }),
  );
}
