// OpenAI chat request → Ollama's native `POST /api/chat` (ollama/ollama docs/api.md "Generate a chat
// completion", docs/capabilities/tool-calling.mdx, thinking.mdx). Differences from OpenAI: sampling
// settings go in `options`, images are bare base64 strings, tool-call `arguments` are JSON objects,
// a tool result names its function in `tool_name`, and `stream` defaults to true, so it is always sent.
import type { ChatMessage, ChatRequest, JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import { joinUrl } from '../openai/build-request.ts';
import {
  definedFields,
  findToolCallName,
  functionOfCall,
  parseDataUrl,
  parseToolArguments,
  readContentParts,
  readContentText,
  readImageUrl,
  readMaxTokens,
  readStopSequences,
} from '../shared/read-messages.ts';
import type { UpstreamTarget } from '../types.ts';

/** Ollama takes images only inline, and Sluice fetches nothing on a client's behalf. */
function readImages(message: ChatMessage, position: number): string[] | undefined {
  const images = readContentParts(message.content)
    .filter((part) => part.type === 'image_url')
    .map((part) => {
      const inline = parseDataUrl(readImageUrl(part) ?? '');
      if (inline !== undefined) return inline.data;
      throw new GatewayError('invalid_request', `messages[${position}]: an ollama channel takes images only as base64 data URLs (data:image/png;base64,…)`, {
        param: `messages[${position}].content`,
      });
    });
  return images.length === 0 ? undefined : images;
}

function convertToolCalls(message: ChatMessage, position: number): JsonObject[] | undefined {
  const calls = message.tool_calls;
  if (calls === undefined || calls.length === 0) return undefined;
  return calls.map((call, index) => {
    const fn = functionOfCall(call, `messages[${position}].tool_calls[${index}]`);
    return { type: 'function', function: { index, name: fn.name, arguments: parseToolArguments(fn.arguments, `messages[${position}].tool_calls[${index}].function.arguments`) } };
  });
}

function convertMessage(messages: readonly ChatMessage[], position: number): JsonObject {
  const message = messages[position] ?? { role: 'user' };
  const role = message.role === 'developer' ? 'system' : message.role;
  const converted: JsonObject = definedFields({ role, content: readContentText(message.content), images: readImages(message, position) });
  if (role === 'assistant') {
    Object.assign(converted, definedFields({ thinking: typeof message.reasoning_content === 'string' ? message.reasoning_content : undefined, tool_calls: convertToolCalls(message, position) }));
  }
  if (role === 'tool') Object.assign(converted, definedFields({ tool_name: findToolCallName(messages, position, message.tool_call_id) }));
  return converted;
}

function responseFormat(format: unknown): unknown {
  if (!isJsonObject(format)) return undefined;
  if (format.type === 'json_object') return 'json';
  return format.type === 'json_schema' && isJsonObject(format.json_schema) ? format.json_schema.schema : undefined;
}

/**
 * `think`: Ollama's own field passes through; else `reasoning_effort` "none" turns thinking off and
 * a level is passed as the named level (GPT-OSS takes low/medium/high; models without named levels
 * use their default, thinking.mdx).
 */
function thinkSetting(request: ChatRequest): unknown {
  if (request.think !== undefined) return request.think;
  const effort = request.reasoning_effort;
  if (typeof effort !== 'string') return undefined;
  return effort === 'none' ? false : effort;
}

export function buildChatBody(request: ChatRequest, target: UpstreamTarget): JsonObject {
  const options = definedFields({
    temperature: request.temperature,
    top_p: request.top_p,
    top_k: request.top_k,
    num_predict: readMaxTokens(request),
    stop: readStopSequences(request.stop),
    seed: request.seed,
    presence_penalty: request.presence_penalty,
    frequency_penalty: request.frequency_penalty,
  });
  // Ollama has no tool_choice; "none" is honoured by offering no tools.
  const tools = Array.isArray(request.tools) && request.tools.length > 0 && request.tool_choice !== 'none' ? request.tools : undefined;
  return definedFields({
    model: target.upstreamModel,
    messages: request.messages.map((_message, position) => convertMessage(request.messages, position)),
    tools,
    format: responseFormat(request.response_format),
    options: Object.keys(options).length === 0 ? undefined : options,
    think: thinkSetting(request),
    keep_alive: request.keep_alive,
    stream: target.stream,
  });
}

/** base_url is the server root, http://localhost:11434, as Ollama's own clients take it. */
export function buildChatRequest(request: ChatRequest, target: UpstreamTarget, defaultBaseUrl: string): UpstreamRequest {
  const root = (target.channel.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '').replace(/\/api$/, '');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: target.stream ? 'application/x-ndjson' : 'application/json',
    'accept-encoding': 'identity',
  };
  // Ollama's cloud and authenticating proxies take a bearer key; a local server needs none.
  if (target.apiKey !== undefined) headers.authorization = `Bearer ${target.apiKey}`;
  return { url: joinUrl(root, '/api/chat'), headers, body: buildChatBody(request, target) };
}
