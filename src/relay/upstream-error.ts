// An upstream's error answer → a GatewayError that carries the upstream's own words, its status,
// the channel and a hint (seed problem 6).
import { recognizeRejection, rejectionHints } from '../adapt/recognize-rejection.ts';
import type { ErrorCode } from '../core/errors.ts';
import { GatewayError } from '../core/errors.ts';
import type { UpstreamErrorDetails } from '../core/upstream.ts';

/** Client-side mistakes the upstream saw pass through with their status; the rest are ours to own. */
const passThroughStatuses = new Set([400, 404, 409, 413, 422]);

export function codeForUpstreamStatus(status: number): ErrorCode {
  if (passThroughStatuses.has(status)) return 'upstream_rejected';
  if (status === 401 || status === 403) return 'upstream_auth_failed';
  if (status === 429) return 'upstream_rate_limited';
  return 'upstream_error';
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3); `retry-after-ms` first. */
export function parseRetryAfterSeconds(headers: Record<string, string | string[] | undefined>, nowMs: number): number | undefined {
  const first = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const milliseconds = Number(first('retry-after-ms'));
  if (first('retry-after-ms') !== undefined && Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds / 1000;
  const value = first('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - nowMs) / 1000);
}

export function errorFromUpstream(
  channel: string,
  status: number,
  details: UpstreamErrorDetails,
  retryAfterSeconds: number | undefined,
): GatewayError {
  const code = codeForUpstreamStatus(status);
  const rejection = status === 400 ? recognizeRejection(details.message) : undefined;
  return new GatewayError(code, `${channel} answered HTTP ${status}: ${details.message}`, {
    ...(code === 'upstream_rejected' ? { status } : {}),
    param: details.param ?? null,
    upstream: { channel, status },
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(rejection === undefined ? {} : { hint: rejectionHints[rejection] }),
  });
}
