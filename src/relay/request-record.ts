// What one request did, filled in as it goes; the log line (and later the log row) is made from it.
import type { UsageSource } from '../core/chat.ts';
import type { Capture } from './capture.ts';

export interface AttemptRecord {
  channel: string;
  upstreamModel: string;
  upstreamStream: boolean;
  status: number | undefined;
  errorCode: string | undefined;
  durationMs: number;
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
  durationMs: number;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  usageSource: UsageSource | undefined;
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
    ingress: undefined,
  };
}

/** Time spent waiting on upstreams and backoff so far: the part of a request that is not Sluice's. */
export function upstreamTimeMs(record: RequestRecord): number {
  return record.attempts.reduce((sum, attempt) => sum + attempt.durationMs, record.waitMs);
}
