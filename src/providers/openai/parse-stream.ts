// OpenAI-format stream events → canonical chunks. The decoder already removed framing, comments
// and `[DONE]`; here each event is a chunk, an in-band error, or a whole JSON answer.
import type { StreamEvent } from '../../codec/sse/index.ts';
import type { ChatCompletion, ChatCompletionChunk, ChunkChoice, JsonObject, PlainChunk, PlainContent } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { parseErrorBody } from '../shared/parse-error-body.ts';
import { parseEvents, readEventValue } from '../shared/parse-events.ts';
import type { ChatStreamParser, ParseContext } from '../types.ts';
import { normalizeFinishReason, ToolCallNumbering } from './normalize-fields.ts';
import { copyReasoningField } from './normalize-reasoning.ts';
import { parseChatResponse } from './parse-response.ts';
import { createPlainScanner, type PlainScanner } from './scan-plain-template.ts';

function normalizeChoice(value: unknown, position: number, numbering: ToolCallNumbering): ChunkChoice {
  const choice = isJsonObject(value) ? value : {};
  const index = typeof choice.index === 'number' ? choice.index : position;
  const normalized: ChunkChoice = { ...choice, index };
  if (choice.finish_reason !== undefined) normalized.finish_reason = normalizeFinishReason(choice.finish_reason) as string | null;
  // Azure's annotation chunks carry no `delta` at all (docs/wire-formats.md 2.1): leave it absent.
  if (isJsonObject(choice.delta)) normalized.delta = numbering.renumber(index, copyReasoningField(choice.delta));
  return normalized;
}

function normalizeChunk(value: JsonObject, numbering: ToolCallNumbering): ChatCompletionChunk {
  return {
    ...value,
    id: typeof value.id === 'string' ? value.id : '',
    object: 'chat.completion.chunk',
    created: typeof value.created === 'number' ? value.created : 0,
    model: typeof value.model === 'string' ? value.model : '',
    choices: Array.isArray(value.choices) ? value.choices.map((choice, position) => normalizeChoice(choice, position, numbering)) : [],
  };
}

/** Some upstreams answer a stream request with one JSON completion; it becomes one chunk. */
function completionToChunk(completion: ChatCompletion): ChatCompletionChunk {
  const { choices, object: _object, ...rest } = completion;
  return {
    ...rest,
    object: 'chat.completion.chunk',
    choices: choices.map(({ message, ...choice }) => {
      const { tool_calls: toolCalls, ...delta } = message;
      const deltaToolCalls = toolCalls?.map((call, index) => ({ ...call, index }));
      return { ...choice, delta: deltaToolCalls === undefined ? delta : { ...delta, tool_calls: deltaToolCalls } };
    }),
  };
}

function isCompletion(value: JsonObject): boolean {
  return value.object === 'chat.completion' || (Array.isArray(value.choices) && value.choices.some((c) => isJsonObject(c) && 'message' in c));
}

function streamError(context: ParseContext, value: JsonObject): GatewayError {
  const details = parseErrorBody(200, JSON.stringify(value));
  return new GatewayError('upstream_stream_error', `${context.channel} reported an error in its stream: ${details.message}`, {
    upstream: { channel: context.channel, status: 200 },
    param: details.param ?? null,
  });
}

/**
 * One stream's parser: each event is a chunk, an in-band error, or a whole JSON answer. A class, its
 * methods shared: a held stream keeps its parser to its end, and an object of four closures over the
 * factory's scope cost ~1.4 KB more a stream (docs/benchmarks.md, "Held stream, round nine").
 */
class OpenAIChatStreamParser implements ChatStreamParser {
  readonly #context: ParseContext;
  readonly #numbering = new ToolCallNumbering();
  readonly #plain: PlainScanner = createPlainScanner();

  constructor(context: ParseContext) {
    this.#context = context;
  }

  accept(event: StreamEvent): ChatCompletionChunk[] {
    const context = this.#context;
    const value = readEventValue(event, context);
    if (!isJsonObject(value)) return [];
    // Mid-stream errors arrive as `data: {"error": …}` with status 200 (vLLM, TGI, OpenRouter)
    // or as an `event: error` (Assistants-style named events); docs/wire-formats.md 1.4.
    if ((value.error !== undefined && value.error !== null) || event.event === 'error') throw streamError(context, value);
    return [isCompletion(value) ? completionToChunk(parseChatResponse(value, context)) : normalizeChunk(value, this.#numbering)];
  }

  finish(): ChatCompletionChunk[] {
    return [];
  }

  scanPlain(data: string): PlainChunk | undefined {
    return this.#plain.scan(data);
  }

  sameButContent(data: string): PlainContent | undefined {
    return this.#plain.sameButContent(data);
  }
}

export function createChatStreamParser(context: ParseContext): ChatStreamParser {
  return new OpenAIChatStreamParser(context);
}

/** The same parser over an async stream of events, for callers that pull (the channel probe, tests). */
export async function* parseChatStream(events: AsyncIterable<StreamEvent>, context: ParseContext): AsyncGenerator<ChatCompletionChunk> {
  yield* parseEvents(createChatStreamParser(context), events);
}
