// The resilience policy as data, with named defaults in one place (docs/style.md 5). The per-channel
// retry, timeout and breaker numbers come from config; these are the fixed rules around them.

/** Upstream statuses worth another try: transient by nature (seed problem 5). 52x are Cloudflare's. */
export const retryableStatuses: ReadonlySet<number> = new Set([408, 409, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 529]);

/** Statuses that mean the channel's credentials were refused: the key is set aside. */
export const credentialStatuses: ReadonlySet<number> = new Set([401, 403]);

/** Statuses whose message may say what the upstream wants ("Streaming requests are not yet allowed" came with a 403; langgenius/dify#9591). */
export const learnableStatuses: ReadonlySet<number> = new Set([400, 403, 404, 422]);

/** A refused key is tried again after this long. */
export const keyRecheckMs = 10 * 60_000;

/** A learned capability is re-checked (forgotten, then learned again if still true) after this long. */
export const learnedRecheckMs = 24 * 60 * 60_000;

/** Adapt-and-retry rounds per channel in one request: each changes the plan, so a few are enough. */
export const maxAdaptationsPerChannel = 3;
