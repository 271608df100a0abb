// "Retry, adapt, fail over, or give up" as a pure function of the error and the attempt, with no
// provider names in it (docs/style.md 7).
import type { RetryPolicy } from '../core/channel.ts';
import type { GatewayError } from '../core/errors.ts';

export type FailureDecision = 'adapt-and-retry' | 'retry-same' | 'fail-over' | 'give-up';

export interface FailureContext {
  /** The upstream's words said what it wants, and doing so would change the next call. */
  canAdapt: boolean;
  /** Tries made on this channel so far in this request, adaptations not counted. */
  triesOnChannel: number;
  retry: RetryPolicy;
  /** Another channel (or fallback model) is left to try. */
  hasAlternative: boolean;
}

/** Failures that say the channel itself is down or stuck: better tried elsewhere first. */
const channelDownCodes: ReadonlySet<string> = new Set(['upstream_unreachable', 'upstream_timeout']);

export function classifyFailure(error: GatewayError, context: FailureContext): FailureDecision {
  if (context.canAdapt) return 'adapt-and-retry';
  if (error.code === 'client_closed') return 'give-up';
  if (error.code === 'upstream_auth_failed' || error.code === 'no_channel_available') return 'fail-over';
  if (!error.retryable) return 'give-up';
  const triesLeft = context.triesOnChannel < context.retry.attempts;
  const waitTooLong = error.retryAfterSeconds !== undefined && error.retryAfterSeconds * 1000 > context.retry.maxRetryAfterMs;
  if (context.hasAlternative && (channelDownCodes.has(error.code) || waitTooLong)) return 'fail-over';
  return triesLeft && !waitTooLong ? 'retry-same' : 'fail-over';
}

/** Failures that count against a channel's circuit: the upstream's fault, not the request's. */
export function countsAgainstChannel(error: GatewayError): boolean {
  return error.retryable || error.code === 'upstream_auth_failed';
}
