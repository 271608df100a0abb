// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"),
// an upstream's Retry-After honoured up to the policy's cap, and never past the request's deadline.
import type { RetryPolicy } from '../core/channel.ts';

/**
 * The wait before try number `triesSoFar + 1` on the same channel, or undefined when waiting is not
 * worth it: the upstream asked for longer than the cap, or the deadline would pass first.
 */
export function backoffDelayMs(
  triesSoFar: number,
  policy: RetryPolicy,
  options: { random: () => number; retryAfterSeconds: number | undefined; remainingMs: number },
): number | undefined {
  let delay: number;
  if (options.retryAfterSeconds === undefined) {
    const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, triesSoFar - 1));
    delay = options.random() * ceiling;
  } else {
    delay = options.retryAfterSeconds * 1000;
    if (delay > policy.maxRetryAfterMs) return undefined;
  }
  return delay < options.remainingMs ? delay : undefined;
}
