// Folds what an OpenAI SDK client read from a stream into the parts a test asserts on, and reads
// the raw SSE events of an answer for the in-band error checks (`data: {"error":…}` then `[DONE]`).
import type OpenAI from 'openai';

export interface GatheredToolCall {
  id: string;
  name: string;
  arguments: string;
  /** Unknown fields of the first fragment, e.g. Gemini's `extra_content`. */
  extra: Record<string, unknown>;
}

export interface GatheredStream {
  content: string;
  reasoning: string;
  toolCalls: GatheredToolCall[];
  finishReason: string | null;
  usage: OpenAI.CompletionUsage | undefined;
  models: Set<string>;
}

type ToolCallDelta = OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall;

function addToolCall(calls: GatheredToolCall[], fragment: ToolCallDelta): void {
  const call = (calls[fragment.index] ??= { id: '', name: '', arguments: '', extra: {} });
  if (fragment.id !== undefined) call.id = fragment.id;
  if (fragment.function?.name !== undefined) call.name = fragment.function.name;
  call.arguments += fragment.function?.arguments ?? '';
  const { index: _index, id: _id, type: _type, function: _function, ...extra } = fragment as ToolCallDelta & Record<string, unknown>;
  Object.assign(call.extra, extra);
}

export async function gatherStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<GatheredStream> {
  const gathered: GatheredStream = { content: '', reasoning: '', toolCalls: [], finishReason: null, usage: undefined, models: new Set() };
  for await (const chunk of stream) {
    gathered.models.add(chunk.model);
    if (chunk.usage) gathered.usage = chunk.usage;
    for (const choice of chunk.choices) {
      const delta = choice.delta as OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };
      gathered.content += delta.content ?? '';
      gathered.reasoning += delta.reasoning_content ?? '';
      for (const fragment of delta.tool_calls ?? []) addToolCall(gathered.toolCalls, fragment);
      if (choice.finish_reason !== null) gathered.finishReason = choice.finish_reason;
    }
  }
  return gathered;
}

/** The `data:` payloads of an SSE body, in order (`[DONE]` included). */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}
