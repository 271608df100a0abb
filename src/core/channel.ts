// A channel as the rest of Sluice sees it: plain data, resolved from config (names camelCased).

import type { EndpointName } from './endpoint.ts';

export type StreamSupport = 'required' | 'unsupported' | 'supported';

/** Whether an upstream serves an endpoint of its API besides chat (the Responses API, issue 14). */
export type EndpointSupport = 'supported' | 'unsupported';

/** What an upstream model can do. Unset fields fall back to the next source (learned, then defaults). */
export interface CapabilityHints {
  stream?: StreamSupport;
  streamOptions?: boolean;
  /** Optional request fields this upstream model rejects; Sluice leaves them out (learned). */
  dropFields?: readonly string[];
  /** `POST /responses` for same-dialect pass-through (src/providers/openai/pass-through-responses.ts). */
  responsesApi?: EndpointSupport;
  /** `POST /completions`, the legacy endpoint (src/providers/openai/completions.ts). */
  completions?: EndpointSupport;
  /** Endpoints of issue 18 the upstream answered 404/405/501 for (learned; src/adapt/learn-endpoint-support.ts). */
  unsupportedEndpoints?: readonly EndpointName[];
  /** `POST /rerank` reads the documents from `texts`, TEI's field (learned; src/adapt/learn-rerank-texts.ts). */
  rerankTexts?: boolean;
}

export interface Capabilities {
  stream: StreamSupport;
  streamOptions: boolean;
  dropFields: readonly string[];
  /** Unset: the dialect has no such endpoint to ask about. */
  responsesApi?: EndpointSupport;
  /** Unset: not known; tried unless the dialect has no such endpoint. */
  completions?: EndpointSupport;
}

export interface RetryPolicy {
  /** Tries per channel, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** The longest upstream Retry-After Sluice waits for; a longer one fails over instead. */
  maxRetryAfterMs: number;
}

export interface TimeoutPolicy {
  connectMs: number;
  firstByteMs: number;
  firstChunkMs: number;
  idleMs: number;
  totalMs: number;
}

/** Caps on what Sluice reads from an upstream, counted after any content-encoding is decoded. */
export interface UpstreamLimits {
  /** A JSON answer or an error body. */
  bodyBytes: number;
  /** A streamed answer, all of it. */
  streamBytes: number;
}

/** resilience4j's model: the failure rate over a sliding window, once it holds enough calls. */
export interface BreakerPolicy {
  /** Share of failed calls (0–1] in the window that opens the circuit. */
  failureRate: number;
  windowMs: number;
  /** Calls the window must hold before its rate means anything. */
  minCalls: number;
  cooldownMs: number;
}

export interface Channel {
  name: string;
  type: string;
  /** Provider root as its own SDK takes it; the provider appends the API path. Unset: the provider's default. */
  baseUrl: string | undefined;
  apiKeys: string[];
  /** Upstream model names or globs this channel serves. */
  models: string[];
  /** Client name → upstream name. */
  modelMap: Record<string, string>;
  priority: number;
  weight: number;
  /** RFC 7396 merge patch applied to the final upstream body. */
  overrides: Record<string, unknown> | undefined;
  headers: Record<string, string>;
  apiVersion: string | undefined;
  /** `max_tokens` for dialects that require one (anthropic) when the client sent none. */
  defaultMaxTokens?: number;
  maxConcurrency: number | undefined;
  preferStream: boolean;
  debug: boolean;
  /** Active health checks: a tiny request per model on an interval, in the mode the model supports. */
  healthCheck: { intervalMs: number; models: string[] } | undefined;
  /** Upstream model name or glob → hints. */
  capabilities: Record<string, CapabilityHints>;
  retry: RetryPolicy;
  timeouts: TimeoutPolicy;
  breaker: BreakerPolicy;
  limits: UpstreamLimits;
  /** Config `paths`: where the upstream serves an endpoint of issue 18 instead of its OpenAI path (a path after base_url, or a whole URL). */
  endpointPaths?: Partial<Record<EndpointName, string>>;
}
