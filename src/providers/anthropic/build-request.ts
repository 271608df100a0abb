// OpenAI chat request → Anthropic Messages API request (platform.claude.com/docs/en/api/messages).
// The body is rebuilt from the fields Anthropic knows: it answers 400 "Extra inputs are not
// permitted" to anything else, so OpenAI-only fields (n, seed, logprobs, response_format, …) stay out.
import type { ChatRequest, JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import { joinUrl } from '../openai/build-request.ts';
import { definedFields, readMaxTokens, readStopSequences } from '../shared/read-messages.ts';
import type { UpstreamTarget } from '../types.ts';
import { convertMessages } from './convert-messages.ts';

export const anthropicVersion = '2023-06-01';

/** Anthropic requires `max_tokens`; used when neither the client nor the channel's `default_max_tokens` gave one. */
export const fallbackMaxTokens = 4096;

function convertTool(tool: unknown): unknown {
  if (!isJsonObject(tool) || !isJsonObject(tool.function)) return tool;
  const { name, description, parameters } = tool.function;
  return definedFields({ name, description, input_schema: isJsonObject(parameters) ? parameters : { type: 'object', properties: {} } });
}

/** OpenAI `tool_choice` (+ `parallel_tool_calls: false`) → Anthropic `tool_choice`. */
export function convertToolChoice(choice: unknown, parallelToolCalls: unknown): JsonObject | undefined {
  let converted: JsonObject | undefined;
  if (choice === 'auto') converted = { type: 'auto' };
  else if (choice === 'none') return { type: 'none' };
  else if (choice === 'required') converted = { type: 'any' };
  else if (isJsonObject(choice) && isJsonObject(choice.function)) converted = { type: 'tool', name: choice.function.name };
  if (parallelToolCalls !== false) return converted;
  return { ...(converted ?? { type: 'auto' }), disable_parallel_tool_use: true };
}

export function buildMessagesBody(request: ChatRequest, target: UpstreamTarget): JsonObject {
  const { system, messages } = convertMessages(request.messages);
  const tools = Array.isArray(request.tools) && request.tools.length > 0 ? request.tools.map(convertTool) : undefined;
  return definedFields({
    model: target.upstreamModel,
    system,
    messages,
    max_tokens: readMaxTokens(request) ?? target.channel.defaultMaxTokens ?? fallbackMaxTokens,
    stop_sequences: readStopSequences(request.stop),
    temperature: request.temperature,
    top_p: request.top_p,
    top_k: request.top_k,
    metadata: typeof request.user === 'string' ? { user_id: request.user } : undefined,
    // Extended thinking is Anthropic's own field (`{type: "enabled", budget_tokens}`): passed through.
    thinking: isJsonObject(request.thinking) ? request.thinking : undefined,
    tools,
    tool_choice: tools === undefined ? undefined : convertToolChoice(request.tool_choice, request.parallel_tool_calls),
    stream: target.stream ? true : undefined,
  });
}

/** base_url is the API root, https://api.anthropic.com, as the Anthropic SDKs take it. */
export function buildChatRequest(request: ChatRequest, target: UpstreamTarget, defaultBaseUrl: string): UpstreamRequest {
  const root = (target.channel.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '').replace(/\/v1$/, '');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: target.stream ? 'text/event-stream' : 'application/json',
    'accept-encoding': 'identity',
    'anthropic-version': anthropicVersion,
  };
  if (target.apiKey !== undefined) headers['x-api-key'] = target.apiKey;
  return { url: joinUrl(root, '/v1/messages'), headers, body: buildMessagesBody(request, target) };
}
