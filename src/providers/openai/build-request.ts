// OpenAI-compatible upstreams: base_url is a root ending in /v1, as the OpenAI SDK's baseURL.
import type { ChatMessage, ChatRequest, JsonObject } from '../../core/chat.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import type { UpstreamTarget } from '../types.ts';

export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/**
 * The body is the client's request with the upstream model name and the upstream mode. `stream`
 * is left out of non-stream calls, and `stream_options` goes only with a streamed call to an
 * upstream that accepts it: OpenAI and Azure answer 400 "The 'stream_options' parameter is only
 * allowed when 'stream' is enabled." (BerriAI/litellm#5803), xAI grok-2-1212 and old Azure
 * api-versions reject it outright (one-api#1423).
 */
function withoutReasoningState(message: ChatMessage): ChatMessage {
  if (message.reasoning_state === undefined) return message;
  const { reasoning_state: _state, ...rest } = message;
  return rest;
}

export function buildChatBody(request: ChatRequest, target: UpstreamTarget): JsonObject {
  const { stream: _stream, stream_options: clientStreamOptions, ...rest } = request;
  const body: JsonObject = { ...rest, model: target.upstreamModel };
  // Another dialect's reasoning blocks (issue 14) go only to their own family: OpenAI answers 400 to unknown message fields.
  if (request.messages.some((message) => message.reasoning_state !== undefined)) body.messages = request.messages.map(withoutReasoningState);
  if (target.stream) {
    body.stream = true;
    if (target.streamOptions) body.stream_options = { ...(clientStreamOptions ?? {}), include_usage: true };
  }
  return body;
}

/** `POST {base_url}/responses` (same-dialect pass-through, src/providers/openai/pass-through-responses.ts). */
export function buildResponsesCall(target: UpstreamTarget, defaultBaseUrl: string): { url: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: target.stream ? 'text/event-stream' : 'application/json', 'accept-encoding': 'identity' };
  if (target.apiKey !== undefined) headers.authorization = `Bearer ${target.apiKey}`;
  return { url: joinUrl(target.channel.baseUrl ?? defaultBaseUrl, '/responses'), headers };
}

export function buildChatRequest(request: ChatRequest, target: UpstreamTarget, defaultBaseUrl: string): UpstreamRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: target.stream ? 'text/event-stream' : 'application/json',
    // Uncompressed, so SSE bytes can be relayed as they arrive (docs/wire-formats.md 4.2).
    'accept-encoding': 'identity',
  };
  if (target.apiKey !== undefined) headers.authorization = `Bearer ${target.apiKey}`;
  return {
    url: joinUrl(target.channel.baseUrl ?? defaultBaseUrl, '/chat/completions'),
    headers,
    body: buildChatBody(request, target),
  };
}
