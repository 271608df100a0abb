// OpenAI messages → Anthropic Messages API `system` + `messages` (platform.claude.com/docs/en/api/messages):
// system and developer messages move to the top-level `system`; tool results become `tool_result`
// blocks in a user turn; assistant tool calls become `tool_use` blocks; consecutive turns of one
// role merge, so the parallel tool results of one assistant turn arrive in one user turn.
import type { ChatMessage, JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { anthropicFamily } from './parse-response.ts';
import { functionOfCall, parseDataUrl, parseToolArguments, readContentParts, readImageUrl } from '../shared/read-messages.ts';

export interface AnthropicPrompt {
  system: string | JsonObject[] | undefined;
  messages: JsonObject[];
}

/** `image_url` → an image block: a data URL as base64, any other URL by reference. */
function convertImage(part: JsonObject): JsonObject {
  const url = readImageUrl(part) ?? '';
  const inline = parseDataUrl(url);
  const source = inline === undefined ? { type: 'url', url } : { type: 'base64', media_type: inline.mediaType, data: inline.data };
  return { type: 'image', source };
}

/** OpenAI's `file` part with inline `file_data` (a PDF data URL) → a document block. */
function convertFile(part: JsonObject): JsonObject {
  const file = isJsonObject(part.file) ? part.file : {};
  const inline = typeof file.file_data === 'string' ? parseDataUrl(file.file_data) : undefined;
  if (inline === undefined) return part;
  return { type: 'document', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
}

/** Text parts pass as they are (with any `cache_control`); so do parts already in Anthropic's shape. */
function convertPart(part: JsonObject): JsonObject {
  if (part.type === 'image_url') return convertImage(part);
  if (part.type === 'file') return convertFile(part);
  return part;
}

function convertContent(content: unknown): JsonObject[] {
  // Anthropic rejects empty text blocks ("text content blocks must be non-empty").
  return readContentParts(content)
    .filter((part) => !(part.type === 'text' && part.text === ''))
    .map(convertPart);
}

/** The assistant turn's own reasoning blocks, first, when an Anthropic channel made them; another family's are dropped. */
function reasoningBlocks(message: ChatMessage): JsonObject[] {
  const state = message.reasoning_state;
  return state?.family === anthropicFamily ? state.blocks.map((block) => ({ ...block })) : [];
}

function convertAssistant(message: ChatMessage, position: number): JsonObject[] {
  const blocks = [...reasoningBlocks(message), ...convertContent(message.content)];
  (message.tool_calls ?? []).forEach((call, callIndex) => {
    const fn = functionOfCall(call, `messages[${position}].tool_calls[${callIndex}]`);
    blocks.push({ type: 'tool_use', id: call.id, name: fn.name, input: parseToolArguments(fn.arguments, `messages[${position}].tool_calls[${callIndex}].function.arguments`) });
  });
  return blocks;
}

function convertToolResult(message: ChatMessage): JsonObject {
  const content = typeof message.content === 'string' ? message.content : convertContent(message.content);
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content };
}

function appendTurn(turns: JsonObject[], role: string, blocks: JsonObject[]): void {
  if (blocks.length === 0) return;
  const last = turns.at(-1);
  if (last !== undefined && last.role === role && Array.isArray(last.content)) {
    last.content.push(...blocks);
    return;
  }
  turns.push({ role, content: blocks });
}

/** One system text when every part is plain text; the blocks when a part carries more (cache_control). */
function joinSystem(blocks: JsonObject[]): string | JsonObject[] | undefined {
  if (blocks.length === 0) return undefined;
  const plain = blocks.every((block) => block.type === 'text' && Object.keys(block).length === 2);
  return plain ? blocks.map((block) => String(block.text)).join('\n\n') : blocks;
}

export function convertMessages(messages: readonly ChatMessage[]): AnthropicPrompt {
  const system: JsonObject[] = [];
  const turns: JsonObject[] = [];
  messages.forEach((message, position) => {
    if (message.role === 'system' || message.role === 'developer') system.push(...convertContent(message.content));
    else if (message.role === 'assistant') appendTurn(turns, 'assistant', convertAssistant(message, position));
    else if (message.role === 'tool') appendTurn(turns, 'user', [convertToolResult(message)]);
    else appendTurn(turns, 'user', convertContent(message.content));
  });
  return { system: joinSystem(system), messages: turns };
}
