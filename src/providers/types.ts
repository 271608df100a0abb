// The contract every provider dialect fulfils. A provider is a folder with fixed file roles
// (build-request, parse-response, parse-stream, parse-error) and one line in registry.ts.
import type { StreamEvent } from '../codec/sse/index.ts';
import type { Capabilities, Channel } from '../core/channel.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, PlainChunk, PlainContent } from '../core/chat.ts';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../core/embeddings.ts';
import type { UpstreamErrorDetails, UpstreamRequest, UpstreamResponse } from '../core/upstream.ts';

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
  readonly scanPlain?: (data: string) => PlainChunk | undefined;
  /**
   * With `scanPlain`: an event's data that repeats the last plain chunk `scanPlain` saw but for its
   * content string, found without JSON.parse. Parsing it would add only that content to that choice.
   */
  readonly sameButContent?: (data: string) => PlainContent | undefined;
}

export interface Provider {
  readonly type: string;
  readonly defaultBaseUrl: string | undefined;
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
