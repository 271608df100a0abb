// The resilience policy as data, with named defaults in one place (docs/style.md 5). The per-channel
// retry, timeout and breaker numbers come from config; these are the fixed rules around them.

/** Upstream statuses worth another try: transient by nature (seed problem 5). 52x are Cloudflare's. */
export const retryableStatuses: ReadonlySet<number> = new Set([408, 409, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 529]);

/** Statuses that mean the channel's credentials were refused: the key is set aside. */
export const credentialStatuses: ReadonlySet<number> = new Set([401, 403]);

/**
 * Statuses whose message may say what the upstream wants. Never 401/403/404 (access, not
 * capability: "User not allowed to access this model" is about the key), 429 or 5xx (docs/resilience.md).
 */
export const learnableStatuses: ReadonlySet<number> = new Set([400, 422]);

/**
 * Statuses that say the upstream is busy or slow, whatever the body: never the request's fault. Any
 * other answered 5xx may have been caused by the body, so it counts against a circuit only once
 * another channel took the same body (docs/resilience.md, "Whose fault").
 */
export const loadStatuses: ReadonlySet<number> = new Set([408, 425, 429, 503, 504, 529]);

/**
 * Upstream statuses whose error body a same-dialect (pass-through) client sees as the upstream wrote
 * it: answers about the request itself. Not a refused key of Sluice's (401, 403: the channel's, not
 * the client's), nor load (408, 409, 425, 429) or a 5xx, which Sluice retries and fails over.
 */
export function showsUpstreamErrorAsIs(status: number): boolean {
  return status >= 400 && status < 500 && !credentialStatuses.has(status) && !retryableStatuses.has(status);
}

/** A refused key is tried again after this long. */
export const keyRecheckMs = 10 * 60_000;

/** A learned capability is re-checked (forgotten, then learned again if still true) after this long. */
export const learnedRecheckMs = 24 * 60 * 60_000;

/** Adapt-and-retry rounds per channel in one request: each changes the plan, so a few are enough. */
export const maxAdaptationsPerChannel = 3;
