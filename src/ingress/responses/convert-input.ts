// Responses input items → the internal chat messages (docs/ingress-protocols.md §D2): messages keep
// their parts, consecutive `function_call`s (and the assistant text before them) become one
// assistant message with `tool_calls`, outputs become `tool` messages (images moved to a following
// user message), a `reasoning` item that carries Sluice's state restores it on the next assistant
// message, `additional_tools` items give their tools, hosted items are refused or dropped.
import type { ChatMessage, ReasoningState, ToolCall } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { decodeReasoningState } from './reasoning-state-text.ts';
import { dropHostedItem, type HostedPolicy } from './refuse-unsupported.ts';
import type { ResponsesItem, ResponsesTool } from './request-schema.ts';

type Part = { type: string; [key: string]: unknown };
type Content = string | readonly Part[];

export interface ConvertedInput {
  messages: ChatMessage[];
  /** Tools from `additional_tools` items, with where they were. */
  toolLists: { tools: ResponsesTool[]; param: string }[];
}

function unsupportedPart(param: string, message: string): GatewayError {
  return new GatewayError('unsupported_feature', message, { param });
}

/** One Responses content part → a chat part. */
function convertPart(part: Part, param: string): Part {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part['text'] };
    case 'refusal':
      return { type: 'text', text: part['refusal'] };
    case 'input_image': {
      const url = part['image_url'];
      if (typeof url !== 'string') throw unsupportedPart(param, `Invalid '${param}': Sluice stores no files, so an image needs 'image_url' (a URL or a data URL), not 'file_id'.`);
      const detail = part['detail'];
      return { type: 'image_url', image_url: typeof detail === 'string' ? { url, detail } : { url } };
    }
    default: {
      const fileData = part['file_data'];
      if (typeof fileData !== 'string') throw unsupportedPart(param, `Invalid '${param}': Sluice stores no files, so a file needs 'file_data' (base64), not 'file_id' or 'file_url'.`);
      const filename = part['filename'];
      return { type: 'file', file: typeof filename === 'string' ? { file_data: fileData, filename } : { file_data: fileData } };
    }
  }
}

function convertParts(content: Content, param: string): string | Part[] {
  if (typeof content === 'string') return content;
  return content.map((part, index) => convertPart(part, `${param}[${String(index)}]`));
}

function textOf(parts: string | Part[]): string {
  if (typeof parts === 'string') return parts;
  return parts.flatMap((part) => (part.type === 'text' && typeof part['text'] === 'string' ? [part['text']] : [])).join('');
}

function isText(part: Part): boolean {
  return part.type === 'text';
}

class MessageList {
  readonly messages: ChatMessage[] = [];
  /** Restored reasoning waiting for the assistant message it belongs to. */
  pendingState: ReasoningState | undefined;
  /** Images from tool outputs, for one user message after the run of tool messages. */
  pendingImages: Part[] = [];

  push(message: ChatMessage): void {
    if (message.role !== 'tool') this.flushImages();
    if (message.role === 'assistant' && this.pendingState !== undefined) {
      message.reasoning_state = this.pendingState;
      this.pendingState = undefined;
    }
    this.messages.push(message);
  }

  /** The assistant message a tool call joins: the last message, when it is one and holds no output yet. */
  assistantForCall(): ChatMessage {
    const last = this.messages.at(-1);
    if (last !== undefined && last.role === 'assistant' && this.pendingState === undefined && this.pendingImages.length === 0) return last;
    const message: ChatMessage = { role: 'assistant', content: null };
    this.push(message);
    return message;
  }

  flushImages(): void {
    if (this.pendingImages.length === 0) return;
    const images = this.pendingImages;
    this.pendingImages = [];
    this.messages.push({ role: 'user', content: images });
  }
}

function addToolCall(list: MessageList, call: ToolCall): void {
  const message = list.assistantForCall();
  message.tool_calls = [...(message.tool_calls ?? []), call];
}

function addToolOutput(list: MessageList, callId: string, output: Content, param: string): void {
  const parts = convertParts(output, param);
  if (typeof parts !== 'string') list.pendingImages.push(...parts.filter((part) => !isText(part)));
  list.push({ role: 'tool', tool_call_id: callId, content: textOf(parts) });
}

function addMessage(list: MessageList, item: ResponsesItem & { type: 'message' }, param: string): void {
  const content = convertParts(item.content as Content, `${param}.content`);
  switch (item.role) {
    case 'system':
    case 'developer':
      list.push({ role: 'system', content: textOf(content) });
      return;
    case 'assistant':
      list.push({ role: 'assistant', content: textOf(content) });
      return;
    default:
      list.push({ role: 'user', content });
  }
}

function addItem(list: MessageList, item: ResponsesItem, param: string, converted: ConvertedInput, policy: HostedPolicy): void {
  switch (item.type) {
    case 'message':
      addMessage(list, item as ResponsesItem & { type: 'message' }, param);
      return;
    case 'function_call':
      addToolCall(list, { id: String(item['call_id']), type: 'function', function: { name: String(item['name']), arguments: String(item['arguments']) } });
      return;
    case 'custom_tool_call':
      addToolCall(list, { id: String(item['call_id']), type: 'function', function: { name: String(item['name']), arguments: JSON.stringify({ input: item['input'] }) } });
      return;
    case 'function_call_output':
    case 'custom_tool_call_output':
      addToolOutput(list, String(item['call_id']), item['output'] as Content, `${param}.output`);
      return;
    case 'reasoning': {
      const encrypted = item['encrypted_content'];
      if (typeof encrypted === 'string') list.pendingState = decodeReasoningState(encrypted, `${param}.encrypted_content`) ?? list.pendingState;
      return;
    }
    case 'additional_tools':
      converted.toolLists.push({ tools: item['tools'] as ResponsesTool[], param: `${param}.tools` });
      return;
    default:
      dropHostedItem(String(item.type), param, policy);
  }
}

export function convertInput(input: string | readonly ResponsesItem[], policy: HostedPolicy): ConvertedInput {
  const converted: ConvertedInput = { messages: [], toolLists: [] };
  if (typeof input === 'string') {
    converted.messages.push({ role: 'user', content: input });
    return converted;
  }
  const list = new MessageList();
  input.forEach((item, index) => {
    addItem(list, item, `input[${String(index)}]`, converted, policy);
  });
  list.flushImages();
  converted.messages = list.messages;
  return converted;
}
