// Per-key accounting at the edge: limits and quota before a request, and after it the log row,
// the tokens spent (rate limit and quota). Nothing here waits on I/O in the request's path.
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../core/errors.ts';
import type { RequestRecord } from '../relay/request-record.ts';
import type { RateLimits } from '../routing/rate-limits.ts';
import type { RequestLogRow } from '../store/index.ts';
import type { Caller } from './authenticate.ts';
import type { Services } from './open-services.ts';

/** Throws 429 when the key's rpm/tpm limit is reached or its quota is spent. */
export function admitCaller(caller: Caller, rateLimits: RateLimits): void {
  if (caller.keyId === undefined) return;
  if (caller.remainingTokens !== undefined && caller.remainingTokens <= 0) {
    throw new GatewayError('insufficient_quota', `The token quota of the key '${caller.keyName ?? ''}' is spent.`);
  }
  const verdict = rateLimits.admit(caller.keyId, caller.rpm, caller.tpm);
  if (!verdict.allowed) {
    const limit = verdict.limit === 'rpm' ? `${String(caller.rpm)} requests per minute` : `${String(caller.tpm)} tokens per minute`;
    throw new GatewayError('rate_limited', `The key '${caller.keyName ?? ''}' is limited to ${limit}.`, { retryAfterSeconds: verdict.retryAfterSeconds });
  }
}

/** Where a request came from: an HTTP request, or the `replay` command (no address). */
export interface RequestOrigin {
  ip: string | undefined;
  headers: { 'user-agent'?: string | undefined };
}

export function toLogRow(record: RequestRecord, caller: Caller | undefined, request: RequestOrigin, startedAt: number): RequestLogRow {
  return {
    time: startedAt,
    requestId: record.requestId,
    keyName: caller?.keyName,
    clientModel: record.clientModel,
    clientStream: record.clientStream,
    channel: record.channel,
    upstreamModel: record.upstreamModel,
    upstreamStream: record.upstreamStream,
    adaptations: record.adaptations,
    attempts: record.attempts,
    status: record.status,
    errorCode: record.errorCode,
    errorMessage: record.errorMessage,
    firstTokenMs: record.firstTokenMs,
    durationMs: record.durationMs,
    promptTokens: record.promptTokens,
    completionTokens: record.completionTokens,
    usageSource: record.usageSource,
    clientIp: request.ip,
    userAgent: request.headers['user-agent'],
    answeredModel: record.answeredModel,
    overheadMs: record.overheadMs,
    capture: record.capture === undefined ? undefined : JSON.stringify(record.capture),
  };
}

/** The log row (batched, off the request path) and the tokens the key spent. */
export function recordRequest(record: RequestRecord, caller: Caller | undefined, request: FastifyRequest, services: Services): void {
  services.logWriter.append(toLogRow(record, caller, request, Date.now() - record.durationMs));
  if (caller?.keyId === undefined) return;
  const tokens = (record.promptTokens ?? 0) + (record.completionTokens ?? 0);
  services.rateLimits.spend(caller.keyId, caller.tpm, tokens);
  if (caller.remainingTokens !== undefined && tokens > 0) {
    services.store.keys.spendTokens(caller.keyId, tokens).then(
      () => {
        services.keyAccess.invalidate();
      },
      () => undefined,
    );
  }
}
