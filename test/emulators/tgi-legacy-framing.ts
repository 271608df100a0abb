// Hugging Face TGI ≤ 2.0.4 `/v1/chat/completions` (axum 0.6).
// Framing: axum 0.6 `Event::json_data` writes `data:` with no space, `data:[DONE]` too; TGI 2.1.0
// moved to axum 0.7 (commit e76b9824) which writes `data: ` (docs/wire-formats.md 2.5). one-api only
// accepted lines starting with `data: ` and its clients got empty streams (docs/design.md problem 2).
// Chunk bytes follow a real TGI 2.0.1 capture quoted in opea-project GenAIComps (orchestrator
// `align_generator` comment):
//   data:{"id":"","object":"text_completion","created":1725530204,"model":"meta-llama/Meta-Llama-3-8B-Instruct",
//   "system_fingerprint":"2.0.1-native","choices":[{"index":0,"delta":{"role":"assistant","content":"?"},
//   "logprobs":null,"finish_reason":null}]}
// so: `id` is "", `object` is "text_completion" (not chat.completion.chunk), every delta repeats
// `"role":"assistant"`, `model` is the served model id whatever the request said, and the last token
// carries finish_reason "eos_token" (the same code checks `!= "eos_token"`).
// Non-stream: docs/source/basic_tutorials/visual_language_models.md (TGI 2.0.2): id '', object
// 'text_completion', finish_reason 'eos_token', system_fingerprint '2.0.2-native'.
// TGI 2.0.x has no `stream_options` field; serde ignores it, so no usage chunk is ever sent and a
// gateway must count usage itself (usage chunks arrived in later TGI versions).
// Not verified: whether `name`/`tool_calls` keys appear as null in the 2.0.x non-stream message.
import { chatCompletionsOnly, startEmulator, wantsStream, writeJson, type Emulator } from './emulator-server.ts';
import { usageNumbers } from './openai-chunks.ts';
import { splitWords, writeSse } from './sse-writer.ts';

/** TGI answers with the model it serves; the request's `model` is unused (`ChatRequest.model` docs). */
export const tgiServedModel = 'meta-llama/Meta-Llama-3-8B-Instruct';
export const tgiText = 'Hello from TGI!';
export const tgiUsage = usageNumbers(14, 6);
const created = 1717000000;
const fingerprint = '2.0.4-native';

function tgiChunk(content: string, finishReason: string | null): string {
  return JSON.stringify({
    id: '',
    object: 'text_completion',
    created,
    model: tgiServedModel,
    system_fingerprint: fingerprint,
    choices: [{ index: 0, delta: { role: 'assistant', content }, logprobs: null, finish_reason: finishReason }],
  });
}

export function tgiStreamFrames(): string[] {
  const frames = splitWords(tgiText).map((piece) => `data:${tgiChunk(piece, null)}\n\n`);
  frames.push(`data:${tgiChunk('', 'eos_token')}\n\n`);
  frames.push('data:[DONE]\n\n');
  return frames;
}

export function tgiCompletionBody(): string {
  return JSON.stringify({
    id: '',
    object: 'text_completion',
    created,
    model: tgiServedModel,
    system_fingerprint: fingerprint,
    choices: [{ index: 0, message: { role: 'assistant', content: tgiText }, logprobs: null, finish_reason: 'eos_token' }],
    usage: tgiUsage,
  });
}

export function startTgiEmulator(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response) => {
      if (wantsStream(request)) {
        // axum's Sse response sets these two headers.
        await writeSse(response, tgiStreamFrames(), { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        return;
      }
      writeJson(response, 200, tgiCompletionBody());
    }),
  );
}
