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
/** Anthropic takes the key in `x-api-key` (docs.anthropic.com/en/api/overview). */
export const anthropicKeyHeader = 'x-api-key';
/** The protocol's version and feature headers: no secret in them. */
export const anthropicPlainHeaders = ['anthropic-version', 'anthropic-beta'] as const;

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

/**
 * Thinking budgets for Chat's `reasoning_effort` (Google's effort ↔ budget table, as
 * src/providers/gemini/build-request.ts uses it); Anthropic's minimum budget is 1,024.
 */
const thinkingBudgets: Readonly<Record<string, number>> = { minimal: 1024, low: 1024, medium: 8192, high: 24_576 };
const minimumThinkingBudget = 1024;

/**
 * Anthropic's own `thinking` passes as it is; else `reasoning_effort` (a Chat client's, or a
 * Messages client's thinking as src/ingress/messages reads it) enables thinking with a budget below
 * `max_tokens`. Not with a temperature set: Anthropic takes thinking only at temperature 1.
 */
function thinkingOf(request: ChatRequest, maxTokens: number): JsonObject | undefined {
  if (isJsonObject(request.thinking)) return request.thinking;
  const budget = typeof request.reasoning_effort === 'string' ? thinkingBudgets[request.reasoning_effort] : undefined;
  if (budget === undefined || (request.temperature !== undefined && request.temperature !== 1)) return undefined;
  const capped = Math.min(budget, maxTokens - 1);
  return capped < minimumThinkingBudget ? undefined : { type: 'enabled', budget_tokens: capped };
}

export function buildMessagesBody(request: ChatRequest, target: UpstreamTarget): JsonObject {
  const { system, messages } = convertMessages(request.messages);
  const maxTokens = readMaxTokens(request) ?? target.channel.defaultMaxTokens ?? fallbackMaxTokens;
  const tools = Array.isArray(request.tools) && request.tools.length > 0 ? request.tools.map(convertTool) : undefined;
  return definedFields({
    model: target.upstreamModel,
    system,
    messages,
    max_tokens: maxTokens,
    stop_sequences: readStopSequences(request.stop),
    temperature: request.temperature,
    top_p: request.top_p,
    top_k: request.top_k,
    metadata: typeof request.user === 'string' ? { user_id: request.user } : undefined,
    thinking: thinkingOf(request, maxTokens),
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
  if (target.apiKey !== undefined) headers[anthropicKeyHeader] = target.apiKey;
  return { url: joinUrl(root, '/v1/messages'), headers, body: buildMessagesBody(request, target) };
}
