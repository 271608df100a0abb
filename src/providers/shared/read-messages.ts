// Reading the canonical (OpenAI) request where a dialect has to rebuild it in its own shape:
// content parts, data URLs, tool-call arguments, and which function a tool result answers.
import type { ChatMessage, JsonObject, ToolCall, ToolCallFunction } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';

/** A message's content as parts: a string is one text part, null or absent is none. */
export function readContentParts(content: unknown): JsonObject[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter(isJsonObject);
}

/** The text of a message's content: the string, or its text parts joined. */
export function readContentText(content: unknown): string {
  return readContentParts(content)
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** The URL of an `image_url` part, given as `{url}` (OpenAI) or as a bare string (some clients). */
export function readImageUrl(part: JsonObject): string | undefined {
  const image = part.image_url;
  if (typeof image === 'string') return image;
  return isJsonObject(image) && typeof image.url === 'string' ? image.url : undefined;
}

export interface DataUrl {
  mediaType: string;
  data: string;
}

/** `data:image/png;base64,iVBOR…` → its media type and base64 data; anything else → undefined. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (match === null) return undefined;
  return { mediaType: match[1] ?? 'application/octet-stream', data: match[2] ?? '' };
}

/**
 * A tool call's `arguments` JSON text as the object Anthropic (`input`), Gemini (`args`) and Ollama
 * (`arguments`) want. An empty string is a call without arguments.
 */
export function parseToolArguments(text: unknown, param: string): JsonObject {
  if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) return {};
  if (isJsonObject(text)) return text;
  try {
    const value: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
    if (isJsonObject(value)) return value;
  } catch {
    // Reported below with the field's path.
  }
  throw new GatewayError('invalid_request', `${param} must be a JSON object in a string, got ${JSON.stringify(text).slice(0, 200)}`, { param });
}

/**
 * The function of an assistant tool call. OpenAI also has `custom` tool calls (free-text input, no
 * `function`): dialects that take only function calls refuse them with a 400 naming the call.
 */
export function functionOfCall(call: ToolCall, param: string): ToolCallFunction {
  const fn: unknown = call.function;
  if (isJsonObject(fn) && typeof fn.name === 'string') return fn as ToolCallFunction;
  throw new GatewayError('invalid_request', `${param} is a '${call.type}' tool call; this channel's dialect takes only function tool calls.`, { param });
}

/**
 * The function a `tool` message answers: the name on the assistant tool call with its
 * `tool_call_id`, searched backwards from the message (ids such as `call_0` may repeat across
 * turns), else the message's own `name`.
 */
export function findToolCallName(messages: readonly ChatMessage[], position: number, toolCallId: unknown): string | undefined {
  for (let index = position - 1; index >= 0; index -= 1) {
    const call = messages[index]?.tool_calls?.find((candidate) => candidate.id === toolCallId);
    if (call !== undefined) return isJsonObject(call.function) && typeof call.function.name === 'string' ? call.function.name : undefined;
  }
  const own = messages[position]?.name;
  return typeof own === 'string' ? own : undefined;
}

/** `stop` as a list: OpenAI takes a string or up to four strings. */
export function readStopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop)) return stop.filter((item): item is string => typeof item === 'string');
  return undefined;
}

/** The client's output limit: `max_completion_tokens` (current) or `max_tokens` (deprecated). */
export function readMaxTokens(request: JsonObject): number | undefined {
  const value = request.max_completion_tokens ?? request.max_tokens;
  return typeof value === 'number' ? value : undefined;
}

/** Copies the fields of `source` that are set (not undefined) onto a new object. */
export function definedFields(source: Record<string, unknown>): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(source)) if (value !== undefined) result[key] = value;
  return result;
}
