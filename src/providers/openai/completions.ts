// OpenAI-compatible `POST /completions`, the legacy endpoint (OpenAI API reference, "Completions";
// vLLM's `vllm/entrypoints/openai/serving_completion.py`; TGI ≥ 2.0 and Ollama's OpenAI
// compatibility serve it too). The client's body goes on as it is, with the upstream model name and
// mode; `stream_options` only with a streamed call to an upstream that accepts it, as for chat
// (src/providers/openai/build-request.ts). Answers are `text_completion` objects in both modes
// (docs/wire-formats.md 1.6), read loosely; an in-band `{"error": …}` event is the stream's failure.
import type { StreamEvent } from '../../codec/sse/index.ts';
import type { CapabilityHints } from '../../core/channel.ts';
import { isJsonObject, type JsonObject } from '../../core/chat.ts';
import type { CompletionsRequest, TextCompletion } from '../../core/completions.ts';
import { GatewayError, upstreamWords } from '../../core/errors.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import { parseErrorBody } from '../shared/parse-error-body.ts';
import { readEventValue } from '../shared/parse-events.ts';
import type { CompletionsDialect, ParseContext, UpstreamTarget } from '../types.ts';
import { joinUrl } from './build-request.ts';
import { missingModel } from './pass-through-responses.ts';

export function buildCompletionsBody(request: CompletionsRequest, target: UpstreamTarget): JsonObject {
  const { stream: _stream, stream_options: clientStreamOptions, ...rest } = request;
  const body: JsonObject = { ...rest, model: target.upstreamModel };
  if (target.stream) {
    body.stream = true;
    if (target.streamOptions) body.stream_options = { ...(clientStreamOptions ?? {}), include_usage: true };
  }
  return body;
}

export function completionsHeaders(target: UpstreamTarget, credentials: Record<string, string>): Record<string, string> {
  // Uncompressed, so SSE bytes can be relayed as they arrive (docs/wire-formats.md 4.2).
  return { 'content-type': 'application/json', accept: target.stream ? 'text/event-stream' : 'application/json', 'accept-encoding': 'identity', ...credentials };
}

function bearer(target: UpstreamTarget): Record<string, string> {
  return target.apiKey === undefined ? {} : { authorization: `Bearer ${target.apiKey}` };
}

/** `{base}{path}`: `/completions` under an OpenAI-style root ending in `/v1`; Ollama's root takes `/v1/completions`. */
export function buildCompletionsRequest(request: CompletionsRequest, target: UpstreamTarget, defaultBaseUrl: string, path = '/completions'): UpstreamRequest {
  return { url: joinUrl(target.channel.baseUrl ?? defaultBaseUrl, path), headers: completionsHeaders(target, bearer(target)), body: buildCompletionsBody(request, target) };
}

function badAnswer(context: ParseContext, what: string): GatewayError {
  return new GatewayError('upstream_bad_response', `${context.channel} answered 200 with ${what}`, { upstream: { channel: context.channel, status: 200 } });
}

function toTextCompletion(value: JsonObject): TextCompletion {
  return { ...value, object: 'text_completion', model: typeof value.model === 'string' ? value.model : '', choices: Array.isArray(value.choices) ? value.choices.filter(isJsonObject) : [] };
}

export function parseCompletionsResponse(body: unknown, context: ParseContext): TextCompletion {
  if (!isJsonObject(body) || !Array.isArray(body.choices)) throw badAnswer(context, `something other than a text_completion: ${JSON.stringify(body)?.slice(0, 200) ?? ''}`);
  return toTextCompletion(body);
}

/** Mid-stream errors arrive as `data: {"error": …}` with status 200 (vLLM, OpenAI; docs/wire-formats.md 1.4). */
export function parseCompletionsEvent(event: StreamEvent, context: ParseContext): TextCompletion | undefined {
  const value = readEventValue(event, context);
  if (value === undefined) return undefined;
  if (!isJsonObject(value)) throw badAnswer(context, `a stream event that is not an object: ${event.data.slice(0, 200)}`);
  if ((value.error !== undefined && value.error !== null) || event.event === 'error') {
    const details = parseErrorBody(200, event.data);
    throw new GatewayError('upstream_stream_error', `${context.channel} reported an error in its stream: ${details.message}`, {
      upstream: { channel: context.channel, status: 200 },
      param: details.param ?? null,
    });
  }
  return toTextCompletion(value);
}

// A 400 about the endpoint itself: Azure's chat deployments "The completion operation does not work
// with the specified model" (OperationNotSupported), relays that know no such URL.
const endpointWords = /completion operation does not work|operationnotsupported|\/completions endpoint|unrecogni[sz]ed request url|unknown (url|endpoint|route|path)|invalid url/i;

/**
 * The upstream's verdict on `/completions`: a 404, 405 or 501 that is not about a missing model
 * (OpenAI's chat models: 404 "This is a chat model and not supported in the v1/completions endpoint";
 * servers without the route: `404 Not Found`), or a 400 naming the endpoint. Remembered per channel
 * and upstream model, so the next call goes to a channel that serves it at once.
 */
export function learnCompletionsSupport(error: GatewayError): CapabilityHints | undefined {
  const status = error.upstream?.status;
  if (status === undefined) return undefined;
  const words = upstreamWords(error);
  if (missingModel.test(words)) return undefined;
  if (status === 404 || status === 405 || status === 501 || (status === 400 && endpointWords.test(words))) return { completions: 'unsupported' };
  return undefined;
}

export function openaiCompletions(defaultBaseUrl: string, path = '/completions'): CompletionsDialect {
  return {
    buildRequest: (request, target) => buildCompletionsRequest(request, target, defaultBaseUrl, path),
    parseResponse: parseCompletionsResponse,
    parseStreamEvent: parseCompletionsEvent,
    learnFrom: learnCompletionsSupport,
  };
}
