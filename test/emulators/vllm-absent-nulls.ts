// vLLM's OpenAI-compatible server: fields it never set are absent, not null, and reasoning is
// `delta.reasoning` / `message.reasoning`.
// Reasoning field: renamed from `reasoning_content` to `reasoning` (vllm-project/vllm#27752), the old
// output name removed (#33402, documented #50624); docs/wire-formats.md 2.6.
// Stream bytes: vLLM dumps chunks with `exclude_unset`, so a delta holds only what was set — the
// role chunk is `{"role":"assistant","content":""}`, a reasoning delta has no `content` key, a
// content delta no `role`; chunks have no `usage` key (not even null) and no `system_fingerprint`.
// `logprobs` and `finish_reason` are set explicitly, so they appear as
// null; the finish chunk adds `stop_reason`. Capture: vllm-project/vllm#35705 (vLLM 0.15):
//   data: {"id":"chatcmpl-8b2b…","object":"chat.completion.chunk","created":1772423572,"model":"qwen3_8b",
//   "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}
// Usage chunk key order is vLLM's UsageInfo: prompt_tokens, total_tokens, completion_tokens.
// Non-stream: every field present, nulls included, per a vLLM capture with `"reasoning":null` in the
// message (Hunyuan model card deployment notes, found via code search).
import {
  chatCompletionsOnly,
  requestedModel,
  startEmulator,
  wantsStream,
  wantsUsage,
  writeJson,
  type Emulator,
  type JsonObject,
} from './emulator-server.ts';
import { chunkJson, usageNumbers, type ChunkIdentity } from './openai-chunks.ts';
import { dataFrame, openAiDone, splitWords, writeSse } from './sse-writer.ts';

export const vllmModel = 'Qwen/Qwen3-8B';
export const vllmReasoning = 'A greeting. Answer briefly.';
export const vllmText = 'Hello from vLLM!';
export const vllmUsage = usageNumbers(13, 17);
const id = 'chatcmpl-9a60df2b23bb539f';
const created = 1774751760;

function vllmUsageObject(): JsonObject {
  return { prompt_tokens: vllmUsage.prompt_tokens, total_tokens: vllmUsage.total_tokens, completion_tokens: vllmUsage.completion_tokens };
}

export function vllmStreamFrames(model: string, includeUsage: boolean): string[] {
  const identity: ChunkIdentity = { id, created, model };
  const chunk = (delta: JsonObject): string =>
    dataFrame(chunkJson(identity, [{ index: 0, delta, logprobs: null, finish_reason: null }]));
  const frames = [chunk({ role: 'assistant', content: '' })];
  for (const piece of splitWords(vllmReasoning)) frames.push(chunk({ reasoning: piece }));
  for (const piece of splitWords(vllmText)) frames.push(chunk({ content: piece }));
  frames.push(
    dataFrame(chunkJson(identity, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop', stop_reason: null }])),
  );
  if (includeUsage) frames.push(dataFrame(chunkJson(identity, [], { usage: vllmUsageObject() })));
  frames.push(openAiDone);
  return frames;
}

export function vllmCompletionBody(model: string): string {
  return JSON.stringify({
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: vllmText,
          refusal: null,
          annotations: null,
          audio: null,
          function_call: null,
          tool_calls: [],
          reasoning: vllmReasoning,
        },
        logprobs: null,
        finish_reason: 'stop',
        stop_reason: null,
        token_ids: null,
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage: { ...vllmUsageObject(), prompt_tokens_details: null },
    prompt_logprobs: null,
    prompt_token_ids: null,
    kv_transfer_params: null,
  });
}

export function startVllmEmulator(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response) => {
      const model = requestedModel(request);
      if (wantsStream(request)) {
        // FastAPI StreamingResponse(media_type="text/event-stream") adds the charset.
        await writeSse(response, vllmStreamFrames(model, wantsUsage(request)), {
          'content-type': 'text/event-stream; charset=utf-8',
        });
        return;
      }
      writeJson(response, 200, vllmCompletionBody(model));
    }),
  );
}
