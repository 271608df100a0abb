// An upstream's error answer → a GatewayError that carries the upstream's own words, its status,
// the channel and a hint (seed problem 6).
import { describeRejectionFix, recognizeRejection } from '../adapt/recognize-rejection.ts';
import type { ErrorCode } from '../core/errors.ts';
import { GatewayError } from '../core/errors.ts';
import type { UpstreamErrorDetails } from '../core/upstream.ts';
import { describeUpstreamNotFound, type CalledUpstream } from './describe-upstream-not-found.ts';
import { credentialStatuses, learnableStatuses, retryableStatuses } from './failure-policy.ts';

export function codeForUpstreamStatus(status: number): ErrorCode {
  if (credentialStatuses.has(status)) return 'upstream_auth_failed';
  if (status === 429) return 'upstream_rate_limited';
  if (retryableStatuses.has(status) || status >= 500) return 'upstream_error';
  return 'upstream_rejected';
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
  /** The URL called: a 404's hint shows it (without secrets) and what looks wrong in it. */
  called?: CalledUpstream,
): GatewayError {
  const code = codeForUpstreamStatus(status);
  const hint = findHint(status, details, called);
  return new GatewayError(code, `${channel} answered HTTP ${status}: ${details.message}`, {
    ...(code === 'upstream_rejected' ? { status } : {}),
    // A 5xx outside the transient list (501 Not Implemented, 505) will not get better on a retry.
    retryable: code === 'upstream_rejected' ? false : code !== 'upstream_error' || retryableStatuses.has(status),
    param: details.param ?? null,
    upstream: { channel, status },
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(hint === undefined ? {} : { hint }),
  });
}

/** What to change, when the answer says more than the catalog's hint: a recognized rejection, a 404's URL. */
function findHint(status: number, details: UpstreamErrorDetails, called: CalledUpstream | undefined): string | undefined {
  const rejection = learnableStatuses.has(status) ? recognizeRejection({ message: details.message, param: details.param }) : undefined;
  if (rejection !== undefined) return describeRejectionFix(rejection);
  return status === 404 && called !== undefined ? describeUpstreamNotFound(called) : undefined;
}
