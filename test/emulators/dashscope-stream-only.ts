// Alibaba DashScope compatible mode, QwQ (qwq-plus / qwq-32b): stream-only models.
// Non-stream call → 400 with this exact body, note the trailing space in the message
// (infiniflow/ragflow#5912 quotes the whole body with `id` and `request_id`; OpenManus#216 and
// #330 the same message; docs/wire-formats.md 2.3).
// Stream answer: key order and null conventions of vercel/ai
// packages/alibaba/src/__fixtures__/alibaba-reasoning.chunks.txt — `choices` first and `id` last,
// `usage: null` on every chunk, `reasoning_content` deltas with `content: null` first, then content
// deltas with `reasoning_content: null`, a finish chunk with `content: ""`, and with
// `stream_options.include_usage` a usage chunk with `choices: []`.
// Not verified: whether compatible mode writes `data: ` with a space (its native API does not);
// this emulator uses the space.
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
import { usageNumbers } from './openai-chunks.ts';
import { dataFrame, openAiDone, splitWords, writeSse } from './sse-writer.ts';

export const dashscopeModel = 'qwq-plus';
export const dashscopeReasoning = 'The user greets me. I should greet back.';
export const dashscopeText = 'Hello from DashScope!';
export const dashscopeUsage = usageNumbers(24, 19);
export const dashscopeReasoningTokens = 12;
const id = 'chatcmpl-7ed765de-de61-9a89-87f2-da9f2e39f825';
const created = 1741680000;

export const dashscopeStreamOnlyError =
  '{"error":{"code":"invalid_parameter_error","param":null,"message":"This model only support stream mode, please enable the stream parameter to access the model. ","type":"invalid_request_error"},"id":"chatcmpl-7ed765de-de61-9a89-87f2-da9f2e39f825","request_id":"7ed765de-de61-9a89-87f2-da9f2e39f825"}';

function dashscopeChunk(model: string, choices: readonly JsonObject[], usage: JsonObject | null = null): string {
  return JSON.stringify({ choices, object: 'chat.completion.chunk', usage, created, system_fingerprint: null, model, id });
}

export function dashscopeStreamFrames(model: string, includeUsage: boolean): string[] {
  const frames = [
    dashscopeChunk(model, [
      { delta: { content: null, role: 'assistant', reasoning_content: '' }, index: 0, logprobs: null, finish_reason: null },
    ]),
  ];
  splitWords(dashscopeReasoning).forEach((piece, position) => {
    const delta = { content: null, reasoning_content: piece };
    // The fixture's second chunk alone lists finish_reason and logprobs first.
    const choice =
      position === 0
        ? { finish_reason: null, logprobs: null, delta, index: 0 }
        : { delta, finish_reason: null, index: 0, logprobs: null };
    frames.push(dashscopeChunk(model, [choice]));
  });
  for (const piece of splitWords(dashscopeText)) {
    frames.push(
      dashscopeChunk(model, [{ delta: { content: piece, reasoning_content: null }, finish_reason: null, index: 0, logprobs: null }]),
    );
  }
  frames.push(
    dashscopeChunk(model, [{ finish_reason: 'stop', delta: { content: '', reasoning_content: null }, index: 0, logprobs: null }]),
  );
  if (includeUsage) {
    frames.push(
      dashscopeChunk(model, [], {
        ...dashscopeUsage,
        completion_tokens_details: { reasoning_tokens: dashscopeReasoningTokens },
        prompt_tokens_details: { cached_tokens: 0 },
      }),
    );
  }
  return [...frames.map(dataFrame), openAiDone];
}

export function startDashscopeEmulator(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response) => {
      if (!wantsStream(request)) {
        writeJson(response, 400, dashscopeStreamOnlyError);
        return;
      }
      const model = requestedModel(request);
      await writeSse(response, dashscopeStreamFrames(model, wantsUsage(request)));
    }),
  );
}
