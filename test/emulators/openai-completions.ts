// Upstreams of the legacy `POST /v1/completions` (issue 18).
//
// OpenAI's shapes, from the OpenAI API reference ("Completions": the completion object and the
// streamed chunk) and a recorded stream (vercel/ai `packages/openai/src/completion/__fixtures__/
// openai-completion-text.chunks.txt`, docs/wire-formats.md 1.6): `object: "text_completion"` in both
// modes, `choices[].text` and `logprobs` (`tokens`, `token_logprobs`, `top_logprobs`, `text_offset`),
// `usage: null` on each chunk and a last `choices: []` usage chunk only with
// `stream_options.include_usage`, then `data: [DONE]`.
//
// vLLM's OpenAI server (vllm/entrypoints/openai/serving_completion.py, `completion_stream_generator`)
// reports a failure after the stream started as `data: {"error": {"object": "error", "message", "type",
// "param", "code"}}` then `data: [DONE]` (`create_streaming_error_response`); a server without the
// route (a vLLM build serving only chat, any FastAPI app) answers `404 {"detail":"Not Found"}`. Old
// Azure api-versions refuse `stream_options` with 400 "Unrecognized request argument supplied:
// stream_options" (one-api#1423).
import type { ServerResponse } from 'node:http';
import { startEmulator, wantsStream, wantsUsage, writeJson, type Emulator, type ReceivedRequest } from './emulator-server.ts';
import { jsonFrame, openAiDone, writeSse } from './sse-writer.ts';

export type CompletionsBehaviour =
  /** Answers like OpenAI's legacy endpoint. */
  | 'openai'
  /** `404 Not Found` for `/v1/completions` (the route does not exist), chat still served elsewhere. */
  | 'no-completions'
  /** Streams two chunks, then vLLM's in-band error event and `[DONE]`. */
  | 'fails-after-commit'
  /** 400 for any `stream_options`, else like OpenAI. */
  | 'rejects-stream-options';

export interface CompletionsUpstreamOptions {
  behaviour?: CompletionsBehaviour;
  /** The first calls answer 503 (OpenAI's overload body). */
  failures?: number;
  /** The answer's words, one per chunk when streamed. */
  words?: readonly string[];
}

const upstreamModel = 'gpt-3.5-turbo-instruct:20230824-v2';
const created = 1770934485;

function promptText(request: ReceivedRequest): string {
  const prompt = request.body?.['prompt'];
  return typeof prompt === 'string' ? prompt : Array.isArray(prompt) && typeof prompt[0] === 'string' ? prompt[0] : '';
}

/** OpenAI's legacy logprobs object for these tokens (API reference: `logprobs` of a choice). */
function logprobsFor(words: readonly string[], count: number): unknown {
  let offset = 0;
  return {
    tokens: words,
    token_logprobs: words.map(() => -0.25),
    top_logprobs: words.map((word) => {
      const alternatives: Array<[string, number]> = Array.from({ length: Math.max(0, count - 1) }, (_, index) => [`alt${String(index)}`, -3 - index]);
      return Object.fromEntries([[word, -0.25], ...alternatives]);
    }),
    text_offset: words.map((word) => {
      const at = offset;
      offset += word.length;
      return at;
    }),
  };
}

function choiceFor(request: ReceivedRequest, words: readonly string[], finish: string | null): Record<string, unknown> {
  const echo = request.body?.['echo'] === true ? promptText(request) : '';
  const logprobs = request.body?.['logprobs'];
  return { text: `${echo}${words.join('')}`, index: 0, logprobs: typeof logprobs === 'number' ? logprobsFor(words, logprobs) : null, finish_reason: finish };
}

function answerJson(request: ReceivedRequest, response: ServerResponse, words: readonly string[]): void {
  writeJson(
    response,
    200,
    JSON.stringify({
      id: 'cmpl-D8ZFlegacy',
      object: 'text_completion',
      created,
      model: upstreamModel,
      choices: [choiceFor(request, words, 'length')],
      usage: { prompt_tokens: 5, completion_tokens: words.length, total_tokens: 5 + words.length },
    }),
  );
}

function streamFrames(request: ReceivedRequest, words: readonly string[], failAfter: number | undefined): string[] {
  const usage = wantsUsage(request);
  const frames = words.slice(0, failAfter).map((word, index) => {
    const last = index === words.length - 1;
    const choice = index === 0 ? choiceFor(request, [word], last ? 'length' : null) : { text: word, index: 0, logprobs: null, finish_reason: last ? 'length' : null };
    return jsonFrame({ id: 'cmpl-D8ZFlegacy', object: 'text_completion', created, choices: [choice], model: upstreamModel, ...(usage ? { usage: null } : {}) });
  });
  if (failAfter !== undefined) {
    frames.push(jsonFrame({ error: { object: 'error', message: 'The engine died mid-generation.', type: 'InternalServerError', param: null, code: 500 } }));
  } else if (usage) {
    frames.push(jsonFrame({ id: 'cmpl-D8ZFlegacy', object: 'text_completion', created, model: upstreamModel, usage: { prompt_tokens: 5, completion_tokens: words.length, total_tokens: 5 + words.length }, choices: [] }));
  }
  frames.push(openAiDone);
  return frames;
}

export function startCompletionsUpstream(options: CompletionsUpstreamOptions = {}): Promise<Emulator> {
  const behaviour = options.behaviour ?? 'openai';
  const words = options.words ?? ['The', ' answer', ' is', ' 42'];
  let calls = 0;
  return startEmulator(async (request, response) => {
    const path = request.path.split('?')[0] ?? '';
    if (request.method !== 'POST' || !path.endsWith('/completions') || path.endsWith('/chat/completions') || behaviour === 'no-completions') {
      writeJson(response, 404, '{"detail":"Not Found"}');
      return;
    }
    calls += 1;
    if (calls <= (options.failures ?? 0)) {
      writeJson(response, 503, '{"error":{"message":"The server is overloaded or not ready yet.","type":"server_error","param":null,"code":null}}');
      return;
    }
    if (behaviour === 'rejects-stream-options' && request.body?.['stream_options'] !== undefined) {
      writeJson(response, 400, '{"error":{"message":"Unrecognized request argument supplied: stream_options","type":"invalid_request_error","param":null,"code":null}}');
      return;
    }
    if (!wantsStream(request)) {
      answerJson(request, response, words);
      return;
    }
    await writeSse(response, streamFrames(request, words, behaviour === 'fails-after-commit' ? 2 : undefined));
  });
}
