// The built-in `echo` upstream: answers in-process, so a first `curl` works with no upstream
// account. It speaks the OpenAI dialect byte for byte (SSE or JSON), so the answer goes through
// the same decoder and parsers as a real upstream's. Deterministic: same request, same bytes.
import type { ChatMessage, JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import type { UpstreamRequest, UpstreamResponse } from '../../core/upstream.ts';

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isJsonObject(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}

/** The last user message, cut before each word so the pieces join back exactly. */
export function splitIntoWords(text: string): string[] {
  const words = text.match(/\s*\S+/g);
  if (words === null) return text === '' ? [] : [text];
  const trailing = /\s+$/.exec(text)?.[0] ?? '';
  return [...words.slice(0, -1), `${words.at(-1) ?? ''}${trailing}`];
}

function composeAnswer(body: JsonObject): { model: string; words: string[]; usage: JsonObject } {
  const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const text = textOf(lastUser?.content) || '(nothing to echo)';
  const words = splitIntoWords(text);
  const promptTokens = messages.reduce((sum, message) => sum + countWords(textOf(message.content)) + 3, 3);
  const completionTokens = countWords(text);
  return {
    model: typeof body.model === 'string' ? body.model : 'echo',
    words,
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

const encoder = new TextEncoder();
const identity = { id: 'chatcmpl-echo', created: 1_700_000_000 };

function* streamFrames(body: JsonObject): Generator<string> {
  const { model, words, usage } = composeAnswer(body);
  const base = { ...identity, object: 'chat.completion.chunk', model };
  const includeUsage = isJsonObject(body.stream_options) && body.stream_options.include_usage === true;
  const usageField = includeUsage ? { usage: null } : {};
  const frame = (value: JsonObject): string => `data: ${JSON.stringify(value)}\n\n`;
  yield frame({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], ...usageField });
  for (const word of words) {
    yield frame({ ...base, choices: [{ index: 0, delta: { content: word }, finish_reason: null }], ...usageField });
  }
  yield frame({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...usageField });
  if (includeUsage) yield frame({ ...base, choices: [], usage });
  yield 'data: [DONE]\n\n';
}

function completionBody(body: JsonObject): string {
  const { model, words, usage } = composeAnswer(body);
  return JSON.stringify({
    ...identity,
    object: 'chat.completion',
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: words.join('') }, finish_reason: 'stop' }],
    usage,
  });
}

async function* bytesOf(frames: Iterable<string>, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  for (const frame of frames) {
    if (signal.aborted) return;
    yield encoder.encode(frame);
    // Let other requests run between words, as a real upstream's network would.
    await Promise.resolve();
  }
}

export function answerLocally(request: UpstreamRequest, signal: AbortSignal): UpstreamResponse {
  if (request.body.stream === true) {
    return { status: 200, headers: { 'content-type': 'text/event-stream' }, body: bytesOf(streamFrames(request.body), signal) };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: bytesOf([completionBody(request.body)], signal) };
}
