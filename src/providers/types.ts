// The contract every provider dialect fulfils. A provider is a folder with fixed file roles
// (build-request, parse-response, parse-stream, parse-error) and one line in registry.ts.
import type { StreamEvent } from '../codec/sse/index.ts';
import type { Capabilities, CapabilityHints, Channel } from '../core/channel.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, JsonObject, PlainChunk, PlainContent, Usage } from '../core/chat.ts';
import type { CompletionsRequest, TextCompletion } from '../core/completions.ts';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../core/embeddings.ts';
import type { EndpointName } from '../core/endpoint.ts';
import type { UpstreamErrorDetails, UpstreamRequest, UpstreamResponse } from '../core/upstream.ts';
import type { GatewayError } from '../core/errors.ts';
import type { SameDialectRequest } from '../core/ingress-codec.ts';

export interface UpstreamTarget {
  channel: Channel;
  upstreamModel: string;
  apiKey: string | undefined;
  /** Call the upstream in stream mode. */
  stream: boolean;
  /** Ask the upstream for a usage chunk (`stream_options.include_usage`); only with `stream`. */
  streamOptions: boolean;
}

export interface ParseContext {
  /** Channel name, for error messages. */
  channel: string;
  /**
   * When the answer arrived, in Unix seconds: the `created` of a dialect whose answers carry no
   * time (providers have no clock; relay/ stamps it). Absent: 0.
   */
  receivedAt?: number;
}

/** One stream's parser. Holds the stream's state; every call is synchronous (the push-based stream path). */
export interface ChatStreamParser {
  /** One decoded event → the canonical chunks it completes. Throws GatewayError on an in-band error. */
  accept(event: StreamEvent): ChatCompletionChunk[];
  /** The upstream ended: the chunks held until the end (a finish or usage chunk), if any. */
  finish(): ChatCompletionChunk[];
  /**
   * OpenAI-compatible dialects only: an SSE event's data that this parser would hand on unchanged,
   * found by a scan without JSON.parse, so its bytes can pass through with only the model name
   * replaced. Undefined: the event goes through `accept` instead.
   */
  scanPlain?(data: string): PlainChunk | undefined;
  /**
   * With `scanPlain`: an event's data that repeats the last plain chunk `scanPlain` saw but for its
   * content string, found without JSON.parse. Parsing it would add only that content to that choice.
   */
  sameButContent?(data: string): PlainContent | undefined;
}

export interface Provider {
  readonly type: string;
  readonly defaultBaseUrl: string | undefined;
  /** Its upstreams answer without an API key (a local Ollama, the built-in echo): no start-up warning for a keyless channel. */
  readonly apiKeyOptional?: true;
  /** The header its upstreams take the API key in, when not `authorization`: masked in every capture whatever its value. */
  readonly keyHeader?: string;
  /** Headers of its protocol that a channel may set and that hold no secret (versions, betas): shown as they are. */
  readonly plainHeaders?: readonly string[];
  /** Its URLs carry the API version in the query (Azure's `api-version`), not the path: a 404's advice asks for no `/v1`. */
  readonly versionInQuery?: true;
  /** What this dialect's upstreams can do unless config or learning says otherwise. */
  readonly defaultCapabilities: Capabilities;
  buildChatRequest(request: ChatRequest, target: UpstreamTarget): UpstreamRequest;
  /** A non-stream JSON answer → canonical completion. Throws GatewayError when it is not one. */
  parseChatResponse(body: unknown, context: ParseContext): ChatCompletion;
  /** A parser for one stream: decoded events → canonical chunks, synchronously, event by event. */
  createChatStreamParser(context: ParseContext): ChatStreamParser;
  /** An error answer's body, whatever its shape, → the upstream's own words. */
  parseError(status: number, bodyText: string): UpstreamErrorDetails;
  /** `POST /v1/embeddings`, for dialects that have it. */
  readonly embeddings?: EmbeddingsDialect;
  /** The other OpenAI endpoints (images, audio, moderations, rerank; issue 18), for dialects whose upstreams serve them. */
  readonly endpoints?: EndpointDialect;
  /** A client protocol this dialect takes as it is (same-dialect pass-through, issue 14). */
  readonly passThrough?: PassThroughDialect;
  /** The legacy `POST /v1/completions`, for dialects whose upstreams serve it (issue 18). */
  readonly completions?: CompletionsDialect;
  /** An in-process upstream (the built-in echo) answers here instead of over a socket. */
  answerLocally?: (request: UpstreamRequest, signal: AbortSignal) => UpstreamResponse;
}

export interface EmbeddingsTarget {
  channel: Channel;
  upstreamModel: string;
  apiKey: string | undefined;
}

export interface EmbeddingsDialect {
  buildRequest(request: EmbeddingsRequest, target: EmbeddingsTarget): UpstreamRequest;
  /** The answer → OpenAI's shape. Throws GatewayError when it is not one. */
  parseResponse(body: unknown, context: ParseContext): EmbeddingsResponse;
}

/** Where a dialect's upstream serves an endpoint besides chat and embeddings (issue 18, docs/endpoints.md). */
export interface EndpointDialect {
  /** Whether this channel's upstream has the endpoint at all; channels that do not are left out of the plan. */
  serves(endpoint: EndpointName, channel: Channel): boolean;
  /** The endpoint's URL and the key's header for this channel and model (the relay adds the body's content-type). */
  locate(endpoint: EndpointName, target: EmbeddingsTarget): { url: string; headers: Record<string, string> };
}

/**
 * The legacy Completions endpoint (issue 18): the client's body goes on with the upstream model name
 * and mode; answers and chunks are `text_completion` objects read loosely, never translated to chat.
 */
export interface CompletionsDialect {
  buildRequest(request: CompletionsRequest, target: UpstreamTarget): UpstreamRequest;
  /** A JSON answer. Throws GatewayError when it is not one. */
  parseResponse(body: unknown, context: ParseContext): TextCompletion;
  /** One decoded stream event → its chunk; undefined for keep-alive noise. Throws GatewayError on an in-band error. */
  readonly parseStreamEvent: (event: StreamEvent, context: ParseContext) => TextCompletion | undefined;
  /** The upstream's verdict on its own endpoint (a 404 for `/completions`): the capability to remember. */
  readonly learnFrom: (error: GatewayError) => CapabilityHints | undefined;
}

// Same-dialect pass-through (issue 14, docs/ingress-protocols.md §D1): a client protocol that an
// upstream dialect speaks itself (Messages → Anthropic, Responses → OpenAI/Azure) goes through nearly
// as the client wrote it, so what the translation would lose — thinking signatures byte for byte,
// hosted tools, reasoning items — survives. The provider says which protocol it takes, builds the
// call, and re-frames the answer event by event; relay/ keeps every other rule (retries, commit
// point, timeouts, usage for the log row).

/** A JSON answer as the client gets it (its model name), and what the log row needs from it. */
export interface PassedAnswer {
  body: JsonObject;
  /** The upstream's count; undefined: Sluice counts `text`. */
  usage: Usage | undefined;
  text: string;
}

/** What one upstream event gives the client. */
export interface PassedFrames {
  /** The event re-framed (`event:` line kept); '' for nothing. */
  frames: string;
  /**
   * A prelude event (`message_start`, `ping`, `response.created`): held back and not yet the commit
   * point, so a failure right after it can still be retried or failed over invisibly.
   */
  prelude: boolean;
  /**
   * The upstream reported a failure in-band with this event: before the commit point the attempt
   * fails (nothing was sent); after it the event reaches the client as the upstream wrote it.
   */
  failure?: GatewayError;
  /** The failure event is the stream's terminal event: nothing more follows it, not even Sluice's own. */
  terminal?: boolean;
}

/** One stream's re-framing: decoded events in, the client's frames out. Synchronous, like the stream path. */
export interface PassThroughStream {
  accept(event: StreamEvent): PassedFrames;
  /** The upstream ended: throws when the stream stopped before its terminal event. */
  finish(): void;
  readonly usage: Usage | undefined;
  /** The answer's text so far, for Sluice's count when the upstream gives none. */
  readonly text: string;
  /** Frames that end the stream after a failure Sluice saw; undefined: the client protocol's own. */
  failureFrames(error: GatewayError): string | undefined;
}

export interface PassThroughDialect {
  /** The ingress protocol this dialect takes as it is (src/core/ingress-codec.ts `protocol`). */
  readonly protocol: string;
  /** Whether this channel and model take it now; absent: always. */
  usable?: (capabilities: Capabilities, channel: Channel) => boolean;
  /**
   * The upstream's verdict on its own endpoint (a 404 for the route): the capability to remember,
   * after which the same request goes on translated. Undefined: an ordinary failure.
   */
  learnFrom?: (error: GatewayError) => CapabilityHints | undefined;
  /** The client's body with the upstream model name, the channel's key, the forwarded headers. */
  buildRequest(request: SameDialectRequest, target: UpstreamTarget): UpstreamRequest;
  readAnswer(body: unknown, clientModel: string, context: ParseContext): PassedAnswer;
  createStreamRelay(clientModel: string, context: ParseContext): PassThroughStream;
  /** The upstream's own token count for the same body (Anthropic's `/v1/messages/count_tokens`). */
  buildCountRequest?: (request: SameDialectRequest, target: UpstreamTarget) => UpstreamRequest;
  /** An error answer's body when it is in the client protocol's error shape (the client may see it as is); else undefined. */
  readErrorBody?: (text: string) => JsonObject | undefined;
}
