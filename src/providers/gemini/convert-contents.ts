// OpenAI messages → Gemini `systemInstruction` + `contents` (ai.google.dev/api/generate-content):
// roles `user` and `model`, content as `parts`; assistant tool calls → `functionCall` parts, tool
// results → `functionResponse` parts in a user turn. Gemini's calls carry no id (docs/wire-formats.md
// 2.9), so a result finds its function name through the assistant call with its `tool_call_id`.
import type { ChatMessage, JsonObject, ToolCall } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { findToolCallName, functionOfCall, parseDataUrl, parseToolArguments, readContentParts, readContentText, readImageUrl } from '../shared/read-messages.ts';

export interface GeminiPrompt {
  systemInstruction: JsonObject | undefined;
  contents: JsonObject[];
}

const imageTypes: Record<string, string> = { png: 'image/png', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic', heif: 'image/heif' };

/** `fileData` needs a MIME type; a URL only hints at it by its extension. */
function guessImageType(url: string): string {
  const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase() ?? '';
  return imageTypes[extension] ?? 'image/jpeg';
}

function convertPart(part: JsonObject): JsonObject {
  if (part.type === 'text') return { text: typeof part.text === 'string' ? part.text : '' };
  if (part.type === 'image_url') {
    const url = readImageUrl(part) ?? '';
    const inline = parseDataUrl(url);
    return inline === undefined ? { fileData: { mimeType: guessImageType(url), fileUri: url } } : { inlineData: { mimeType: inline.mediaType, data: inline.data } };
  }
  if (part.type === 'input_audio' && isJsonObject(part.input_audio)) {
    return { inlineData: { mimeType: `audio/${String(part.input_audio.format)}`, data: part.input_audio.data } };
  }
  // Parts already in Gemini's shape pass through; Gemini answers anything it does not know.
  return part;
}

/**
 * Gemini 3 answers 400 when a function call of the current turn comes back without the
 * `thoughtSignature` it was sent with. Sluice hands it to clients where Google's own OpenAI endpoint
 * does, `extra_content.google.thought_signature` on the tool call (docs/wire-formats.md 2.10).
 */
export function readThoughtSignature(call: ToolCall): string | undefined {
  const extra = call.extra_content;
  const google = isJsonObject(extra) && isJsonObject(extra.google) ? extra.google : {};
  return typeof google.thought_signature === 'string' ? google.thought_signature : undefined;
}

function convertAssistant(message: ChatMessage, position: number): JsonObject[] {
  const parts = readContentParts(message.content).filter((part) => part.text !== '').map(convertPart);
  (message.tool_calls ?? []).forEach((call, callIndex) => {
    const fn = functionOfCall(call, `messages[${position}].tool_calls[${callIndex}]`);
    const args = parseToolArguments(fn.arguments, `messages[${position}].tool_calls[${callIndex}].function.arguments`);
    const signature = readThoughtSignature(call);
    parts.push({ functionCall: { name: fn.name, args }, ...(signature === undefined ? {} : { thoughtSignature: signature }) });
  });
  return parts;
}

/** `response` must be an object: a JSON object result as it is, anything else under `result`. */
function toolResponse(text: string): JsonObject {
  try {
    const value: unknown = JSON.parse(text);
    if (isJsonObject(value)) return value;
  } catch {
    // Plain text.
  }
  return { result: text };
}

function convertToolResult(messages: readonly ChatMessage[], position: number): JsonObject {
  const message = messages[position];
  const name = findToolCallName(messages, position, message?.tool_call_id);
  if (name === undefined) {
    throw new GatewayError('invalid_request', `messages[${position}] answers tool call ${String(message?.tool_call_id)}, which no earlier assistant message made`, {
      param: `messages[${position}].tool_call_id`,
    });
  }
  return { functionResponse: { name, response: toolResponse(readContentText(message?.content)) } };
}

function appendTurn(contents: JsonObject[], role: string, parts: JsonObject[]): void {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last !== undefined && last.role === role && Array.isArray(last.parts)) last.parts.push(...parts);
  else contents.push({ role, parts });
}

export function convertContents(messages: readonly ChatMessage[]): GeminiPrompt {
  const system: JsonObject[] = [];
  const contents: JsonObject[] = [];
  messages.forEach((message, position) => {
    if (message.role === 'system' || message.role === 'developer') system.push(...readContentParts(message.content).map(convertPart));
    else if (message.role === 'assistant') appendTurn(contents, 'model', convertAssistant(message, position));
    else if (message.role === 'tool') appendTurn(contents, 'user', [convertToolResult(messages, position)]);
    else appendTurn(contents, 'user', readContentParts(message.content).map(convertPart));
  });
  return { systemInstruction: system.length === 0 ? undefined : { parts: system }, contents };
}
