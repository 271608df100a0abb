// Reads what an OpenAI SDK client gets from a streamed chat completion: text, reasoning (an extra
// field the SDK does not type), tool calls assembled by index, finish reasons and usage chunks.
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';

export interface AssembledToolCall {
  index: number;
  id: string | undefined;
  type: string | undefined;
  name: string;
  arguments: string;
}

export interface CollectedStream {
  chunks: ChatCompletionChunk[];
  content: string;
  /** `delta.reasoning_content` joined. */
  reasoning: string;
  toolCalls: AssembledToolCall[];
  finishReasons: string[];
  /** Chunks whose `usage` is not null. */
  usageChunks: ChatCompletionChunk[];
}

/** An extra field on an SDK object, one the SDK's types do not declare. */
export function extraField(value: object | null | undefined, key: string): unknown {
  return value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
}

export function extraText(value: object | null | undefined, key: string): string {
  const field = extraField(value, key);
  return typeof field === 'string' ? field : '';
}

export async function collectChatStream(stream: AsyncIterable<ChatCompletionChunk>): Promise<CollectedStream> {
  const collected: CollectedStream = { chunks: [], content: '', reasoning: '', toolCalls: [], finishReasons: [], usageChunks: [] };
  const callsByIndex = new Map<number, AssembledToolCall>();
  for await (const chunk of stream) {
    collected.chunks.push(chunk);
    if (chunk.usage) collected.usageChunks.push(chunk);
    for (const choice of chunk.choices) {
      const delta = choice.delta as ChatCompletionChunk.Choice.Delta | undefined;
      collected.content += delta?.content ?? '';
      collected.reasoning += extraText(delta, 'reasoning_content');
      for (const fragment of delta?.tool_calls ?? []) {
        const call = callsByIndex.get(fragment.index) ?? { index: fragment.index, id: undefined, type: undefined, name: '', arguments: '' };
        call.id ??= fragment.id;
        call.type ??= fragment.type;
        call.name += fragment.function?.name ?? '';
        call.arguments += fragment.function?.arguments ?? '';
        callsByIndex.set(fragment.index, call);
      }
      if (choice.finish_reason) collected.finishReasons.push(choice.finish_reason);
    }
  }
  collected.toolCalls = [...callsByIndex.values()].sort((left, right) => left.index - right.index);
  return collected;
}

export const hello = [{ role: 'user' as const, content: 'Say hello.' }];

export async function streamChat(client: OpenAI, model: string, includeUsage: boolean): Promise<CollectedStream> {
  const stream = await client.chat.completions.create({
    model,
    messages: hello,
    stream: true,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  return collectChatStream(stream);
}

export function completeChat(client: OpenAI, model: string): Promise<ChatCompletion> {
  return client.chat.completions.create({ model, messages: hello });
}
