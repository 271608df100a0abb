// What one request did, filled in as it goes; the log line (and later the log row) is made from it.
import { isJsonObject, type Usage, type UsageSource } from '../core/chat.ts';
import type { Capture } from './capture.ts';

/** hit: served from the cache; miss: looked up, not there; bypass: `Cache-Control: no-store` / `no-cache`; unavailable: the shared store (Redis) did not answer. */
export type CacheResult = 'hit' | 'miss' | 'bypass' | 'unavailable';

export interface AttemptRecord {
  channel: string;
  upstreamModel: string;
  upstreamStream: boolean;
  status: number | undefined;
  errorCode: string | undefined;
  durationMs: number;
  /**
   * The breaker's verdict on this try (relay/classify-failure.ts countsAgainstChannel, as the attempt
   * loop applies it): the upstream was at fault. False for a success, an adaptation, a request past its
   * deadline, and an answer another channel gave the same body (the body was at fault). Alerts count it.
   */
  countsAgainstChannel: boolean;
}

export interface RequestRecord {
  requestId: string;
  clientModel: string;
  clientStream: boolean;
  channel: string | undefined;
  upstreamModel: string | undefined;
  upstreamStream: boolean | undefined;
  /** The client model that answered: the one asked for, or a fallback. */
  answeredModel: string | undefined;
  adaptations: string[];
  attempts: AttemptRecord[];
  status: number;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  firstTokenMs: number | undefined;
  /** Time spent sleeping between retries (backoff, Retry-After). */
  waitMs: number;
  /** Sluice's own time until the response started: total minus upstream time and waits. */
  overheadMs: number | undefined;
  /** Full exchanges, when debug capture was on for this request. */
  capture: Capture | undefined;
  /** What the exact response cache did (docs/caching.md); undefined: not in play (off, or another model). */
  cache?: CacheResult | undefined;
  durationMs: number;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  usageSource: UsageSource | undefined;
  /** Of `promptTokens`: read from / written to a prompt cache, where the upstream says (docs/cost.md). */
  cachedPromptTokens: number | undefined;
  /** The client request's body and the answer sent to the client, in bytes (issue 18's endpoints measure the answer). */
  requestBytes: number | undefined;
  responseBytes: number | undefined;
  cacheWritePromptTokens: number | undefined;
  /** USD at the configured prices; undefined: no usage, or no price for the model (unknown, not 0). */
  costUsd: number | undefined;
  /** The client protocol (`chat`, `responses`, `messages`; issue 14); undefined for other endpoints. */
  ingress: string | undefined;
}

export function createRequestRecord(requestId: string, clientModel: string, clientStream: boolean): RequestRecord {
  return {
    requestId,
    clientModel,
    clientStream,
    channel: undefined,
    upstreamModel: undefined,
    upstreamStream: undefined,
    answeredModel: undefined,
    adaptations: [],
    attempts: [],
    status: 200,
    errorCode: undefined,
    errorMessage: undefined,
    firstTokenMs: undefined,
    waitMs: 0,
    overheadMs: undefined,
    capture: undefined,
    durationMs: 0,
    promptTokens: undefined,
    completionTokens: undefined,
    usageSource: undefined,
    cachedPromptTokens: undefined,
    requestBytes: undefined,
    responseBytes: undefined,
    cacheWritePromptTokens: undefined,
    costUsd: undefined,
    ingress: undefined,
  };
}

/** Time spent waiting on upstreams and backoff so far: the part of a request that is not Sluice's. */
export function upstreamTimeMs(record: RequestRecord): number {
  return record.attempts.reduce((sum, attempt) => sum + attempt.durationMs, record.waitMs);
}

function countOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The tokens of an answer: OpenAI's `prompt_tokens_details.cached_tokens` and the cache writes Anthropic channels report. */
export function recordUsage(record: RequestRecord, usage: Usage, source: UsageSource): void {
  record.promptTokens = usage.prompt_tokens;
  record.completionTokens = usage.completion_tokens;
  record.usageSource = source;
  const details = usage.prompt_tokens_details;
  record.cachedPromptTokens = isJsonObject(details) ? countOf(details.cached_tokens) : undefined;
  record.cacheWritePromptTokens = countOf(usage.cache_creation_input_tokens);
}
