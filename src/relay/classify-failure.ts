// "Retry, adapt, fail over, or give up" as a pure function of the error and the attempt, with no
// provider names in it (docs/style.md 7); and, as pure functions too, what a failure says about the
// channel (its circuit) and about the upstream key (set aside for the channel, or for one model).
import type { RetryPolicy } from '../core/channel.ts';
import { upstreamWords, type GatewayError } from '../core/errors.ts';
import { credentialStatuses, loadStatuses } from './failure-policy.ts';

export type FailureDecision = 'adapt-and-retry' | 'retry-same' | 'fail-over' | 'give-up';

export interface FailureContext {
  /** The upstream's words said what it wants, and doing so would change the next call. */
  canAdapt: boolean;
  /** Tries made on this channel so far in this request, adaptations not counted. */
  triesOnChannel: number;
  retry: RetryPolicy;
  /** Another channel (or fallback model) is left to try. */
  hasAlternative: boolean;
  /** The try's upstream key was set aside (refused for the channel or for this model): try another. */
  keySetAside?: boolean;
}

/** Failures that say the channel itself is down or stuck: better tried elsewhere first. */
const channelDownCodes: ReadonlySet<string> = new Set(['upstream_unreachable', 'upstream_timeout']);

/**
 * Failures this channel will repeat (its key, its capacity, an answer over Sluice's caps, a
 * compression Sluice cannot decode): never retried on it, but another channel may do better.
 */
const failOverCodes: ReadonlySet<string> = new Set(['upstream_auth_failed', 'no_channel_available', 'upstream_body_too_large', 'upstream_encoding_unsupported']);

export function classifyFailure(error: GatewayError, context: FailureContext): FailureDecision {
  if (context.canAdapt) return 'adapt-and-retry';
  if (error.code === 'client_closed') return 'give-up';
  if (context.keySetAside === true || failOverCodes.has(error.code)) return 'fail-over';
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

/**
 * An answer about this request's body (a 4xx, or a 5xx other than "busy"), not about the upstream's
 * load, credentials or reachability. When two channels answer the same body so, the body is at fault:
 * the request stops there and no circuit counts it (docs/resilience.md, "Whose fault").
 */
export function blamesBody(error: GatewayError): boolean {
  const status = error.upstream?.status;
  if (status === undefined || status < 400) return false;
  return !loadStatuses.has(status) && !credentialStatuses.has(status) && error.code !== 'upstream_auth_failed';
}

// Wordings of a refused key, whatever the status: OpenAI "Incorrect API key provided", Azure "Access
// denied due to invalid subscription key", Gemini 400 "API key not valid. Please pass a valid API
// key.", Anthropic "invalid x-api-key", relays "Invalid API key" / "invalid token".
const invalidKeyWords = /incorrect api key|invalid (api[ _-]?key|x-api-key|subscription key|token|authentication)|api[ _-]?key (is )?(not valid|invalid|expired)|authentication fails/i;
/** A refusal about a model (or an Azure deployment): "User not allowed to access this model", "The model `x` does not exist or you do not have access to it". */
const aboutModelWords = /\bmodel\b|deployment/i;

/**
 * How far to set the try's upstream key aside: the channel (the key itself was refused: a 401 or an
 * invalid-key wording; a 403 about nothing narrower), one upstream model (a 403/404 about a model),
 * or not at all.
 */
export function scopeKeyRefusal(error: GatewayError): 'channel' | 'model' | undefined {
  const status = error.upstream?.status;
  if (status === undefined) return undefined;
  if (status === 401 || (status < 500 && invalidKeyWords.test(error.message))) return 'channel';
  if (status === 403 || status === 404) {
    if (aboutModelWords.test(upstreamWords(error))) return 'model';
    return status === 403 ? 'channel' : undefined;
  }
  return undefined;
}
