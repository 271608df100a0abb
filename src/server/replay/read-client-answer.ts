// What a Chat Completions client was answered, read back from the captured response text: a
// chat.completion as JSON, or the SSE transcript Sluice wrote (folded into one answer, as a client
// would see it). The other protocols' codecs read their own answers (IngressCodec.readAnswer).
import { collectChunks } from '../../adapt/collect-stream.ts';
import { decodeStreamText } from '../../codec/sse/index.ts';
import { isJsonObject, type ChatCompletion, type ChatCompletionChunk } from '../../core/chat.ts';
import type { ClientAnswer } from '../../core/ingress-codec.ts';

export type { ClientAnswer } from '../../core/ingress-codec.ts';

const noAnswer: ClientAnswer = { content: '', finishReason: null, streamError: undefined };

function isChunk(value: unknown): value is ChatCompletionChunk {
  return isJsonObject(value) && Array.isArray(value.choices);
}

function readErrorMessage(value: unknown): string | undefined {
  if (!isJsonObject(value) || !isJsonObject(value.error)) return undefined;
  return typeof value.error.message === 'string' ? value.error.message : JSON.stringify(value.error);
}

export function readCompletionAnswer(completion: ChatCompletion): ClientAnswer {
  const choice = completion.choices[0];
  return { content: choice?.message.content ?? '', finishReason: choice?.finish_reason ?? null, streamError: undefined };
}

function readTranscript(text: string): ClientAnswer {
  const chunks: ChatCompletionChunk[] = [];
  let streamError: string | undefined;
  for (const event of decodeStreamText([text])) {
    if (event.kind !== 'json') continue;
    if (isChunk(event.value)) chunks.push(event.value);
    else streamError ??= readErrorMessage(event.value);
  }
  return { ...readCompletionAnswer(collectChunks(chunks)), streamError };
}

export function readClientAnswer(responseText: string): ClientAnswer {
  const text = responseText.trimStart();
  if (text.startsWith('data:') || text.startsWith(':')) return readTranscript(text);
  try {
    const value: unknown = JSON.parse(text);
    if (isJsonObject(value) && Array.isArray(value.choices)) return readCompletionAnswer(value as ChatCompletion);
  } catch {
    // An empty or cut-off response: the request failed, or the capture was capped.
  }
  return noAnswer;
}
