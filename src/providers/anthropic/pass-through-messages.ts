// POST /v1/messages → an Anthropic channel as the client wrote it (docs/ingress-protocols.md §D1):
// the body with the upstream model name, the client's `anthropic-version` and `anthropic-beta` (and
// `?beta=true`), the channel's own key. The answer is re-framed event by event with its `event:` lines: only
// `message_start` is rewritten (the client's model name), every other event's data goes on as the
// upstream wrote it, so thinking text and signatures keep their bytes (docs/wire-formats.md §2.8).
import type { StreamEvent } from '../../codec/sse/index.ts';
import { encodeJsonText } from '../../codec/sse/index.ts';
import { isJsonObject, type JsonObject, type Usage } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import type { SameDialectRequest } from '../../core/ingress-codec.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import { joinUrl } from '../openai/build-request.ts';
import type { PassedAnswer, PassedFrames, PassThroughDialect, PassThroughStream } from '../types.ts';
import { frameNamedEvent } from '../shared/frame-named-event.ts';
import { readEventValue } from '../shared/parse-events.ts';
import { readJson } from '../shared/read-json.ts';
import type { ParseContext, UpstreamTarget } from '../types.ts';
import { anthropicKeyHeader, anthropicPlainHeaders, anthropicVersion } from './build-request.ts';
import { streamErrorOf } from './parse-error.ts';
import { convertUsage } from './parse-response.ts';

/** The client's headers Anthropic reads; the credentials are never among them. */
const forwardedHeaders = anthropicPlainHeaders;

function buildCall(request: SameDialectRequest, target: UpstreamTarget, defaultBaseUrl: string, path: string, body: JsonObject): UpstreamRequest {
  const root = (target.channel.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '').replace(/\/v1$/, '');
  const stream = body.stream === true;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'accept-encoding': 'identity',
    'anthropic-version': anthropicVersion,
  };
  for (const name of forwardedHeaders) {
    const value = request.headers[name];
    if (value !== undefined && value !== '') headers[name] = value;
  }
  if (target.apiKey !== undefined) headers[anthropicKeyHeader] = target.apiKey;
  // The client's `?beta=true` (Claude Code) goes on with its call, as the codec checked it.
  const query = request.query === undefined ? '' : new URLSearchParams(request.query).toString();
  return { url: query === '' ? joinUrl(root, path) : `${joinUrl(root, path)}?${query}`, headers, body };
}

/** Text, thinking and tool input of a Message: what Sluice counts when the upstream gave no usage. */
function textOfContent(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((block: unknown) => {
      if (!isJsonObject(block)) return '';
      if (typeof block.text === 'string') return block.text;
      if (typeof block.thinking === 'string') return block.thinking;
      return block.input === undefined ? '' : JSON.stringify(block.input);
    })
    .join('');
}

function readAnswer(body: unknown, clientModel: string, context: ParseContext): PassedAnswer {
  if (!isJsonObject(body) || body.type !== 'message') {
    throw new GatewayError('upstream_bad_response', `${context.channel} answered 200 with something other than a Message`, { upstream: { channel: context.channel, status: 200 } });
  }
  return { body: { ...body, model: clientModel }, usage: isJsonObject(body.usage) ? convertUsage(body.usage) : undefined, text: textOfContent(body.content) };
}

/** Anthropic's error shape, `{"type":"error","error":{"type","message"}}` (docs/ingress-protocols.md §A6): what a Messages client reads. */
function readErrorBody(text: string): JsonObject | undefined {
  const value = readJson(text);
  if (!isJsonObject(value) || value.type !== 'error' || !isJsonObject(value.error)) return undefined;
  return typeof value.error.type === 'string' && typeof value.error.message === 'string' ? value : undefined;
}

/** Events that may come before anything is said: not yet the commit point. */
const preludeTypes: ReadonlySet<string> = new Set(['message_start', 'ping']);

class MessagesStreamRelay implements PassThroughStream {
  readonly #clientModel: string;
  readonly #context: ParseContext;
  #usage: JsonObject | undefined;
  #stopped = false;
  text = '';

  constructor(clientModel: string, context: ParseContext) {
    this.#clientModel = clientModel;
    this.#context = context;
  }

  get usage(): Usage | undefined {
    return this.#usage === undefined ? undefined : convertUsage(this.#usage);
  }

  accept(event: StreamEvent): PassedFrames {
    const value = readEventValue(event, this.#context);
    if (value === undefined) return { frames: '', prelude: true };
    if (!isJsonObject(value)) throw new GatewayError('upstream_bad_response', `${this.#context.channel} sent a stream event that is not an object`, { upstream: { channel: this.#context.channel, status: 200 } });
    const type = typeof value.type === 'string' ? value.type : (event.event ?? 'error');
    const name = event.event ?? type;
    switch (type) {
      case 'message_start':
        return { frames: frameNamedEvent(name, this.#startWithClientModel(value)), prelude: true };
      case 'message_delta':
        if (isJsonObject(value.usage)) this.#addUsage(value.usage);
        break;
      case 'content_block_delta':
        this.#addText(value.delta);
        break;
      case 'message_stop':
        this.#stopped = true;
        break;
      case 'error':
        return { frames: frameNamedEvent(name, event.data), prelude: false, failure: streamErrorOf(value, this.#context), terminal: true };
      default:
        break;
    }
    return { frames: frameNamedEvent(name, event.data), prelude: preludeTypes.has(type) };
  }

  finish(): void {
    if (!this.#stopped) {
      throw new GatewayError('upstream_bad_response', `${this.#context.channel} ended its stream before message_stop`, { upstream: { channel: this.#context.channel, status: 200 } });
    }
  }

  failureFrames(): undefined {
    return undefined;
  }

  #startWithClientModel(value: JsonObject): string {
    const message = isJsonObject(value.message) ? value.message : {};
    if (isJsonObject(message.usage)) this.#addUsage(message.usage);
    return encodeJsonText({ ...value, message: { ...message, model: this.#clientModel } });
  }

  /** Anthropic's usage is cumulative: later counts replace earlier ones, field by field. */
  #addUsage(usage: JsonObject): void {
    this.#usage ??= {};
    for (const [field, count] of Object.entries(usage)) if (typeof count === 'number') this.#usage[field] = count;
  }

  #addText(delta: unknown): void {
    if (!isJsonObject(delta)) return;
    const piece = delta.text ?? delta.thinking ?? delta.partial_json;
    if (typeof piece === 'string') this.text += piece;
  }
}

export function createMessagesPassThrough(defaultBaseUrl: string): PassThroughDialect {
  return {
    protocol: 'messages',
    buildRequest: (request, target) => buildCall(request, target, defaultBaseUrl, '/v1/messages', { ...request.body, model: target.upstreamModel }),
    readAnswer,
    createStreamRelay: (clientModel, context) => new MessagesStreamRelay(clientModel, context),
    buildCountRequest: (request, target) => buildCall(request, target, defaultBaseUrl, '/v1/messages/count_tokens', { ...request.body, model: target.upstreamModel }),
    readErrorBody,
  };
}
