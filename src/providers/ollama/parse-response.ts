// Ollama `/api/chat` answer → canonical completion. The same readers serve each NDJSON line of a
// stream (parse-stream.ts). Usage is `prompt_eval_count` / `eval_count` on the final object
// (docs/api.md); `created_at` is an RFC 3339 time, read as the completion's `created`.
import type { AssistantMessage, ChatCompletion, JsonObject, ToolCall, Usage } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { buildUsage, countOf, type ChunkIdentity } from '../shared/build-chunk.ts';
import type { ParseContext } from '../types.ts';

/** `done_reason`: stop, length, or load/unload for requests without messages. Tool calls come with "stop". */
export function mapDoneReason(reason: unknown, hasToolCalls: boolean): string {
  if (hasToolCalls && (reason === 'stop' || reason === undefined)) return 'tool_calls';
  if (reason === 'length') return 'length';
  return 'stop';
}

export function convertUsage(body: JsonObject): Usage | undefined {
  if (body.prompt_eval_count === undefined && body.eval_count === undefined) return undefined;
  return buildUsage({ prompt: countOf(body.prompt_eval_count), completion: countOf(body.eval_count) });
}

/** The id and time derive from `created_at`: Ollama sends neither an id nor a Unix time. */
export function identityOf(body: JsonObject): ChunkIdentity {
  const milliseconds = typeof body.created_at === 'string' ? Date.parse(body.created_at) : Number.NaN;
  const known = Number.isFinite(milliseconds);
  return {
    id: known ? `chatcmpl-ollama-${milliseconds}` : 'chatcmpl-ollama',
    created: known ? Math.floor(milliseconds / 1000) : 0,
    model: typeof body.model === 'string' ? body.model : '',
  };
}

/**
 * `arguments` is a JSON object in Ollama, a JSON string in OpenAI. Ollama gives calls no id in
 * older versions: `call_<n>`, n counting the answer's calls from 0 (deterministic, so a tool result
 * maps back by it through the assistant message).
 */
export function readToolCalls(message: JsonObject, firstIndex: number): ToolCall[] {
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isJsonObject) : [];
  return calls.map((call, offset) => {
    const fn = isJsonObject(call.function) ? call.function : {};
    const args = fn.arguments;
    const text = typeof args === 'string' ? args : JSON.stringify(isJsonObject(args) ? args : {});
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : `call_${firstIndex + offset}`;
    return { id, type: 'function', function: { name: String(fn.name), arguments: text } };
  });
}

export function parseChatResponse(body: unknown, context: ParseContext): ChatCompletion {
  if (!isJsonObject(body) || !isJsonObject(body.message)) {
    const seen = JSON.stringify(body)?.slice(0, 200) ?? String(body);
    throw new GatewayError('upstream_bad_response', `${context.channel} answered 200 without an Ollama chat message: ${seen}`, {
      upstream: { channel: context.channel, status: 200 },
    });
  }
  const toolCalls = readToolCalls(body.message, 0);
  const text = typeof body.message.content === 'string' ? body.message.content : '';
  const message: AssistantMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (typeof body.message.thinking === 'string' && body.message.thinking !== '') message.reasoning_content = body.message.thinking;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const completion: ChatCompletion = {
    ...identityOf(body),
    object: 'chat.completion',
    choices: [{ index: 0, message, finish_reason: mapDoneReason(body.done_reason, toolCalls.length > 0), logprobs: null }],
  };
  const usage = convertUsage(body);
  if (usage !== undefined) completion.usage = usage;
  return completion;
}
