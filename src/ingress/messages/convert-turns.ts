// Anthropic `system` + `messages` → Chat messages (docs/ingress-protocols.md §D3):
// - `system` (a string or text blocks) → one leading system message; `cache_control` dropped;
// - inline `role: "system"` turns (Claude Code 2.1.154+, §C9) → system messages where they stand;
// - a user turn with `tool_result` blocks → the tool messages first, in order, then ONE user message
//   with the turn's other blocks (Portkey drops that text, §B);
// - an assistant turn → ONE message: its text, its `tool_use` blocks as `tool_calls` (arguments =
//   JSON.stringify(input); new-api drops the text, §B), its thinking blocks as a `reasoning_state`
//   of family `anthropic`, sent back only to Anthropic channels.
import { isJsonObject, type ChatMessage, type JsonObject, type ToolCall } from '../../core/chat.ts';
import { convertUserBlock, readBlockTexts } from './convert-content.ts';
import { readArray, readObject, readString, refuseField } from './read-fields.ts';
import type { UnsupportedFeatures } from './unsupported-features.ts';

export const anthropicFamily = 'anthropic';

/** Prefixed to an `is_error` tool result, so a model without Anthropic's flag still sees the failure. */
export const toolErrorPrefix = '[tool error] ';

/** Server-tool blocks in an assistant's history (`server_tool_use`, `web_search_tool_result`, …). */
function isServerToolBlock(type: unknown): boolean {
  return typeof type === 'string' && (type === 'server_tool_use' || type === 'mcp_tool_use' || type.endsWith('_tool_result'));
}

export function convertSystem(system: unknown): ChatMessage[] {
  if (system === undefined || system === null) return [];
  if (typeof system === 'string') return system === '' ? [] : [{ role: 'system', content: system }];
  const blocks = readArray(system, 'system');
  const texts = blocks.map((block, index) => readString(readObject(block, `system[${index}]`).text, `system[${index}].text`)).filter((text) => text !== '');
  return texts.length === 0 ? [] : [{ role: 'system', content: texts.join('\n\n') }];
}

function readBlocks(content: unknown, param: string): JsonObject[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return readArray(content, param).map((block, index) => readObject(block, `${param}[${index}]`));
}

/** A tool result's content → the tool message's text, and its images (moved to the user message after it). */
function convertToolResult(block: JsonObject, param: string, images: JsonObject[], unsupported: UnsupportedFeatures): ChatMessage {
  const toolCallId = readString(block.tool_use_id, `${param}.tool_use_id`);
  if (Array.isArray(block.content)) {
    block.content.forEach((part, index) => {
      if (isJsonObject(part) && part.type === 'image') {
        const image = convertUserBlock(part, `${param}.content[${index}]`, unsupported);
        if (image !== undefined) images.push(image);
      }
    });
  }
  const text = readBlockTexts(block.content);
  return { role: 'tool', tool_call_id: toolCallId, content: block.is_error === true ? `${toolErrorPrefix}${text}` : text };
}

function convertUser(content: unknown, param: string, unsupported: UnsupportedFeatures): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const blocks = readBlocks(content, param);
  const toolMessages: ChatMessage[] = [];
  const toolImages: JsonObject[] = [];
  const parts: JsonObject[] = [];
  blocks.forEach((block, index) => {
    const blockParam = `${param}[${index}]`;
    if (block.type === 'tool_result') toolMessages.push(convertToolResult(block, blockParam, toolImages, unsupported));
    else if (block.type === 'tool_use') refuseField(`${blockParam}.type`, `${blockParam}: a tool_use block belongs in an assistant turn.`);
    else {
      const part = convertUserBlock(block, blockParam, unsupported);
      if (part !== undefined) parts.push(part);
    }
  });
  const rest = [...toolImages, ...parts];
  if (rest.length === 0) return toolMessages.length > 0 ? toolMessages : [{ role: 'user', content: '' }];
  // Plain text stays a string: some upstreams take only string content (docs/wire-formats.md).
  const content_ = rest.every((part) => part.type === 'text') ? rest.map((part) => String(part.text)).join('\n') : rest;
  return [...toolMessages, { role: 'user', content: content_ }];
}

function convertAssistant(content: unknown, param: string, unsupported: UnsupportedFeatures): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  const reasoning: JsonObject[] = [];
  readBlocks(content, param).forEach((block, index) => {
    const blockParam = `${param}[${index}]`;
    if (block.type === 'text') texts.push(readString(block.text, `${blockParam}.text`));
    else if (block.type === 'tool_use') {
      const input = block.input === undefined ? {} : readObject(block.input, `${blockParam}.input`);
      toolCalls.push({ id: readString(block.id, `${blockParam}.id`), type: 'function', function: { name: readString(block.name, `${blockParam}.name`), arguments: JSON.stringify(input) } });
    } else if (block.type === 'thinking') {
      const thinking = { type: 'thinking', thinking: readString(block.thinking, `${blockParam}.thinking`), signature: readString(block.signature ?? '', `${blockParam}.signature`) };
      // An unsigned block is reasoning Sluice relayed from another family: nothing can verify it.
      if (thinking.signature !== '') reasoning.push(thinking);
    }
    else if (block.type === 'redacted_thinking') reasoning.push({ type: 'redacted_thinking', data: readString(block.data, `${blockParam}.data`) });
    else if (isServerToolBlock(block.type)) unsupported.leaveOut(`${blockParam}.type`, String(block.type), `a '${String(block.type)}' block (a server tool's)`);
    else refuseField(`${blockParam}.type`, `${blockParam}.type: '${String(block.type)}' blocks are not supported in an assistant turn.`);
  });
  const text = texts.join('');
  const message: ChatMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning_state = { family: anthropicFamily, blocks: reasoning };
  return message;
}

export function convertTurns(turns: unknown, unsupported: UnsupportedFeatures): ChatMessage[] {
  const messages: ChatMessage[] = [];
  readArray(turns, 'messages').forEach((turn, index) => {
    const param = `messages[${index}]`;
    const message = readObject(turn, param);
    if (message.role === 'user') messages.push(...convertUser(message.content, `${param}.content`, unsupported));
    else if (message.role === 'assistant') messages.push(convertAssistant(message.content, `${param}.content`, unsupported));
    else if (message.role === 'system') messages.push(...convertSystem(message.content));
    else refuseField(`${param}.role`, `${param}.role: expected 'user', 'assistant' or 'system', got ${JSON.stringify(message.role)?.slice(0, 40) ?? 'nothing'}.`);
  });
  if (messages.length === 0) refuseField('messages', 'messages: at least one message is required.');
  return messages;
}
