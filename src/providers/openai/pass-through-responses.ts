// POST /v1/responses → an OpenAI or Azure channel as the client wrote it (docs/ingress-protocols.md
// §D1): the body with the upstream model name and `store: false` unless the client set it, the
// channel's key. The events go on as the upstream wrote them (`event:` lines kept, its
// `sequence_number`s), the client's model name put into each event that carries the `response`;
// usage comes from the terminal event (docs/wire-formats.md §1.7). Whether an upstream serves the
// Responses API at all is the `responses_api` capability: tried unless known unsupported, and
// learned from the upstream's own 404 for the route.
import type { StreamEvent } from '../../codec/sse/index.ts';
import { encodeJsonText } from '../../codec/sse/index.ts';
import type { CapabilityHints, Channel } from '../../core/channel.ts';
import { isJsonObject, type JsonObject, type Usage } from '../../core/chat.ts';
import { GatewayError, upstreamWords } from '../../core/errors.ts';
import type { SameDialectRequest } from '../../core/ingress-codec.ts';
import type { PassedAnswer, PassedFrames, PassThroughDialect, PassThroughStream } from '../types.ts';
import { buildUsage, countOf } from '../shared/build-chunk.ts';
import { frameNamedEvent } from '../shared/frame-named-event.ts';
import { readEventValue } from '../shared/parse-events.ts';
import { readJson } from '../shared/read-json.ts';
import type { ParseContext, UpstreamTarget } from '../types.ts';

/** Where a dialect sends a Responses call, and with which credentials header. */
export type ResponsesCall = (target: UpstreamTarget) => { url: string; headers: Record<string, string> };

/** The body as the client wrote it; stateless unless the client itself asked to store. */
export function buildResponsesBody(request: SameDialectRequest, target: UpstreamTarget): JsonObject {
  return { ...request.body, model: target.upstreamModel, store: request.body.store ?? false };
}

// A 404 that names a missing model or deployment is about the model, not the route: OpenAI
// "The model `x` does not exist", Azure "DeploymentNotFound … deployment for this resource does not exist".
export const missingModel = /model_not_found|deploymentnotfound|\b(model|deployment)\b[^.]*\b(does not exist|not found)/i;
// A 400 about the endpoint itself (a relay or api-version without the Responses API).
const endpointWords = /responses api|\/responses\b|unrecogni[sz]ed request url|unknown (url|endpoint|route|path)|invalid url/i;

/**
 * The upstream's verdict on its own endpoint: a 404, 405 or 501 for `/responses` that is not about
 * a model (DeepSeek, vLLM before the Responses API, most relays: `404 Not Found`), or a 400 naming
 * the endpoint. Everyone's call would get the same answer, so it is remembered for everyone.
 */
export function learnResponsesSupport(error: GatewayError): CapabilityHints | undefined {
  const status = error.upstream?.status;
  if (status === undefined) return undefined;
  const words = upstreamWords(error);
  if (missingModel.test(words)) return undefined;
  if (status === 404 || status === 405 || status === 501 || (status === 400 && endpointWords.test(words))) return { responsesApi: 'unsupported' };
  return undefined;
}

function convertResponsesUsage(usage: JsonObject): Usage {
  const inputDetails = isJsonObject(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const outputDetails = isJsonObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return buildUsage({
    prompt: countOf(usage.input_tokens),
    completion: countOf(usage.output_tokens),
    ...(typeof usage.total_tokens === 'number' ? { total: usage.total_tokens } : {}),
    ...(typeof inputDetails.cached_tokens === 'number' ? { cached: inputDetails.cached_tokens } : {}),
    ...(typeof outputDetails.reasoning_tokens === 'number' ? { reasoning: outputDetails.reasoning_tokens } : {}),
  });
}

/** Output text, reasoning summaries and tool arguments of a Response: what Sluice counts without usage. */
function textOfOutput(output: unknown): string {
  if (!Array.isArray(output)) return '';
  return output
    .map((item: unknown) => {
      if (!isJsonObject(item)) return '';
      if (typeof item.arguments === 'string') return item.arguments;
      const content: unknown[] = Array.isArray(item.content) ? item.content : [];
      const summary: unknown[] = Array.isArray(item.summary) ? item.summary : [];
      const parts = [...content, ...summary];
      return parts.map((part) => (isJsonObject(part) && typeof part.text === 'string' ? part.text : '')).join('');
    })
    .join('');
}

function readAnswer(body: unknown, clientModel: string, context: ParseContext): PassedAnswer {
  if (!isJsonObject(body) || body.object !== 'response') {
    throw new GatewayError('upstream_bad_response', `${context.channel} answered 200 with something other than a Response`, { upstream: { channel: context.channel, status: 200 } });
  }
  return { body: { ...body, model: clientModel }, usage: isJsonObject(body.usage) ? convertResponsesUsage(body.usage) : undefined, text: textOfOutput(body.output) };
}

/** OpenAI's error shape, `{"error":{"message",…}}` (Azure's too): what a Responses client reads. */
function readErrorBody(text: string): JsonObject | undefined {
  const value = readJson(text);
  return isJsonObject(value) && isJsonObject(value.error) && typeof value.error.message === 'string' ? value : undefined;
}

const preludeTypes: ReadonlySet<string> = new Set(['response.created', 'response.in_progress', 'response.queued']);
const terminalTypes: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete']);
const textDeltaTypes: ReadonlySet<string> = new Set(['response.output_text.delta', 'response.reasoning_summary_text.delta', 'response.reasoning_text.delta', 'response.function_call_arguments.delta']);

function failureOf(error: unknown, context: ParseContext): GatewayError {
  const details = isJsonObject(error) ? error : {};
  const code = typeof details.code === 'string' ? details.code : 'error';
  const words = typeof details.message === 'string' ? details.message : JSON.stringify(error);
  const message = `${context.channel} reported an error in its stream: ${words} (${code})`;
  const upstream = { channel: context.channel, status: 200 };
  if (code === 'rate_limit_exceeded') return new GatewayError('upstream_rate_limited', message, { upstream });
  if (code === 'server_error') return new GatewayError('upstream_error', message, { upstream });
  return new GatewayError('upstream_stream_error', message, { upstream });
}

class ResponsesStreamRelay implements PassThroughStream {
  readonly #clientModel: string;
  readonly #context: ParseContext;
  #usage: Usage | undefined;
  /** The latest `response` the stream carried, with the client's model: the base of Sluice's own `response.failed`. */
  #response: JsonObject | undefined;
  #sequence = -1;
  #ended = false;
  text = '';

  constructor(clientModel: string, context: ParseContext) {
    this.#clientModel = clientModel;
    this.#context = context;
  }

  get usage(): Usage | undefined {
    return this.#usage;
  }

  accept(event: StreamEvent): PassedFrames {
    const value = readEventValue(event, this.#context);
    if (value === undefined) return { frames: '', prelude: true };
    if (!isJsonObject(value)) throw new GatewayError('upstream_bad_response', `${this.#context.channel} sent a stream event that is not an object`, { upstream: { channel: this.#context.channel, status: 200 } });
    const type = typeof value.type === 'string' ? value.type : (event.event ?? '');
    const name = event.event ?? type;
    if (typeof value.sequence_number === 'number') this.#sequence = value.sequence_number;
    if (textDeltaTypes.has(type) && typeof value.delta === 'string') this.text += value.delta;
    const data = isJsonObject(value.response) ? this.#withClientModel(value, value.response) : event.data;
    const frames = frameNamedEvent(name, data);
    if (type === 'error') return { frames, prelude: false, failure: failureOf(value, this.#context) };
    if (type === 'response.failed') {
      this.#ended = true;
      return { frames, prelude: false, failure: failureOf(isJsonObject(value.response) ? value.response.error : undefined, this.#context), terminal: true };
    }
    if (terminalTypes.has(type)) this.#ended = true;
    return { frames, prelude: preludeTypes.has(type) };
  }

  finish(): void {
    if (!this.#ended) {
      throw new GatewayError('upstream_bad_response', `${this.#context.channel} ended its stream before response.completed`, { upstream: { channel: this.#context.channel, status: 200 } });
    }
  }

  /** `error` then `response.failed`, numbered after the upstream's last event (the Responses emitter's order). */
  failureFrames(error: GatewayError): string | undefined {
    if (this.#response === undefined) return undefined;
    const code = error.code === 'upstream_rate_limited' || error.code === 'rate_limited' ? 'rate_limit_exceeded' : error.code;
    const failure = { type: 'error', sequence_number: this.#sequence + 1, code, message: error.message, param: error.param ?? null };
    const response = { ...this.#response, status: 'failed', error: { code, message: error.message } };
    return `${frameNamedEvent('error', encodeJsonText(failure))}${frameNamedEvent('response.failed', encodeJsonText({ type: 'response.failed', sequence_number: this.#sequence + 2, response }))}`;
  }

  #withClientModel(value: JsonObject, response: JsonObject): string {
    if (isJsonObject(response.usage)) this.#usage = convertResponsesUsage(response.usage);
    this.#response = { ...response, model: this.#clientModel };
    return encodeJsonText({ ...value, response: this.#response });
  }
}

/** The Responses pass-through of an OpenAI-compatible dialect; `call` says where and with which key. */
export function createResponsesPassThrough(call: ResponsesCall, usableOn: (channel: Channel) => boolean = () => true): PassThroughDialect {
  return {
    protocol: 'responses',
    usable: (capabilities, channel) => capabilities.responsesApi !== 'unsupported' && usableOn(channel),
    learnFrom: learnResponsesSupport,
    buildRequest: (request, target) => ({ ...call(target), body: buildResponsesBody(request, target) }),
    readAnswer,
    createStreamRelay: (clientModel, context) => new ResponsesStreamRelay(clientModel, context),
    readErrorBody,
  };
}
