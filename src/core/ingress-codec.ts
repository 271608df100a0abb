// One internal model, several client protocols (issue 14): an ingress codec turns its protocol's
// request into the internal chat request, and the internal answer — a completion, or the stream of
// chunks the relay's client path shapes — back into its protocol. Chat Completions is the internal
// model itself; Responses and Messages codecs live in src/ingress/<protocol>/.
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, JsonObject, Usage } from './chat.ts';
import type { GatewayError } from './errors.ts';

/** How an error reaches a client of this protocol before the first byte: status, headers, body. */
export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: object;
}

/**
 * Writes one streaming answer in a client protocol. Synchronous and called once per chunk on the
 * stream path (issue 13): it returns the frames as text, '' when a chunk makes none. The chunks come
 * shaped for the client: its model name, and a usage-only chunk (no choices) when the upstream sent
 * usage. One encoder per attempt: an attempt that fails before its first frame is thrown away.
 */
export interface StreamEncoder {
  /** The frames for one chunk. */
  encodeChunk(chunk: ChatCompletionChunk): string;
  /** The frames that end a stream that went well; `usage` is the upstream's, or Sluice's count. */
  encodeEnd(usage: Usage): string;
  /** The frames that end a stream that failed after its first frame (the client already has a 200). */
  encodeFailure(error: GatewayError, requestId: string): string;
  /** Written when nothing else was for the keep-alive interval. */
  readonly keepalive: string;
}

/** What a codec knows of the request it answers. */
export interface AnswerContext {
  requestId: string;
  /** Unix seconds, when the request arrived. */
  createdAt: number;
  /** Sluice's count of the prompt's tokens (the admission's counter), counted on the first call. */
  promptTokens?: () => number;
  /**
   * Records a step the codec took that changes what the client sees (`reasoning-as-summary`): the
   * log row's adaptations, and `x-sluice-adaptations` when the answer's head is not written yet.
   */
  noteAdaptation?: (name: string) => void;
}

/** A client's answer read back from what it was sent (a replay compares two of them like for like). */
export interface ClientAnswer {
  /** The answer's text; '' when there was none (an error, or only tool calls). */
  content: string;
  /** The protocol's own word for how the answer ended (`stop`, `completed`, `end_turn`…); null when it did not say. */
  finishReason: string | null;
  /** An error event that ended the stream, in its own words. */
  streamError: string | undefined;
}

export interface ParsedIngress<State> {
  chat: ChatRequest;
  /** What the answer needs from the original request (echoed fields, tool kinds, ids). */
  state: State;
  /** Response headers every answer carries, errors included (a warning of what was dropped). */
  headers?: Record<string, string>;
  /** The request as the client wrote it, for an upstream of the client's own dialect (pass-through). */
  sameDialect?: SameDialectRequest;
  /** What `chat` leaves out that only an upstream of the client's dialect runs (hosted tools). */
  untranslatable?: Untranslatable;
}

/**
 * Hosted tools (OpenAI's `web_search`, `file_search`…, Anthropic's server tools, `container`,
 * `mcp_servers`) and their calls in the history: only an upstream of the client's own dialect runs
 * them. A same-dialect try sends them as the client wrote them; a translated try (whose `chat` has
 * them left out) refuses the request with `refusal`, or, with config `drop_unsupported_tools`, goes
 * without them and its answer names them in `headers`.
 */
export interface Untranslatable {
  /** The 400 a translated try answers with, naming the first such part; undefined: they are dropped. */
  refusal: GatewayError | undefined;
  /** The warning an answer from a translated try carries (`x-sluice-dropped-tools`). */
  headers: Record<string, string>;
}

/**
 * Same-dialect pass-through (docs/ingress-protocols.md §D1): the client's body and protocol headers,
 * sent on nearly as they are to a channel whose dialect is the client's protocol (its provider says
 * so, src/providers/types.ts); every other channel gets the translated `chat`.
 */
export interface SameDialectRequest {
  /** The codec's protocol (`messages`, `responses`). */
  protocol: string;
  body: JsonObject;
  /** Protocol headers to forward (`anthropic-version`, `anthropic-beta`); never credentials. */
  headers: Record<string, string>;
  /** Query parameters to forward (Claude Code's `?beta=true`), already checked by the codec. */
  query?: Record<string, string>;
}

export interface IngressCodec<State = unknown> {
  /** Shown in logs, metrics and the console: `chat`, `responses`, `messages`. */
  readonly protocol: string;
  /** A parsed JSON body (and the request's headers and query) → the internal request; throws a 400 GatewayError. */
  parseRequest: (body: unknown, headers: Readonly<Record<string, string | string[] | undefined>>, query?: unknown) => ParsedIngress<State>;
  /** A non-stream answer. */
  encodeCompletion: (completion: ChatCompletion, state: State, context: AnswerContext) => object;
  /** A streaming answer; undefined: Chat Completions frames (the relay's own, fastest path). */
  createStreamEncoder?: (state: State, context: AnswerContext) => StreamEncoder;
  /** Errors in the protocol's own shape; undefined: the OpenAI shape. */
  renderError?: (error: GatewayError, requestId: string) => RenderedError;
  /** A captured answer (JSON, or the SSE transcript written) read back; undefined: Chat Completions'. */
  readAnswer?: (responseText: string) => ClientAnswer;
}
