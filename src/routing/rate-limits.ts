// Per-key limits as token buckets with an injected clock: `rpm` requests and `tpm` tokens per
// minute, refilled continuously. A request is admitted by RESERVING one request and its token
// estimate in one synchronous call (no await between the check and the take, so concurrent requests
// cannot all pass one check), then settled to the tokens it really used: the rest goes back, an
// overrun is taken (the bucket may go below zero by it; the next requests wait until it refills).

interface Bucket {
  level: number;
  at: number;
}

export interface LimitVerdict {
  allowed: boolean;
  /** Seconds until the limit lets the next request in, when it did not. */
  retryAfterSeconds: number;
  limit: 'rpm' | 'tpm' | undefined;
}

/** The limits of one key; undefined: unlimited. */
export interface KeyLimits {
  rpm: number | undefined;
  tpm: number | undefined;
}

/** What an admitted request holds, to settle or release later. */
export interface RateReservation {
  key: string;
  limits: KeyLimits;
  /** Tokens taken from the tpm bucket (0 without a tpm limit). */
  tokens: number;
}

export type RateVerdict = (LimitVerdict & { allowed: false }) | { allowed: true; reservation: RateReservation };

/**
 * What admission uses to hold rpm/tpm: this file's in-process buckets, or the shared limiter of
 * src/shared-state/ (several instances, one budget). `reserve` answers synchronously when it can,
 * so the single-instance path spends no await on it.
 */
export interface RateLimiter {
  reserve(key: string, limits: KeyLimits, tokens: number): RateVerdict | Promise<RateVerdict>;
  settle(reservation: RateReservation, usedTokens: number): void;
  release(reservation: RateReservation): void;
}

const perMinute = 60_000;

function refill(bucket: Bucket, capacity: number, now: number): void {
  bucket.level = Math.min(capacity, bucket.level + ((now - bucket.at) * capacity) / perMinute);
  bucket.at = now;
}

/** Seconds until `bucket` holds `needed`, refilling at `capacity` per minute. */
function secondsUntil(bucket: Bucket, needed: number, capacity: number): number {
  return ((needed - bucket.level) * perMinute) / capacity / 1000;
}

export class RateLimits implements RateLimiter {
  readonly #requests = new Map<string, Bucket>();
  readonly #tokens = new Map<string, Bucket>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  #bucket(buckets: Map<string, Bucket>, key: string, capacity: number): Bucket {
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = { level: capacity, at: this.#now() };
      buckets.set(key, bucket);
    }
    refill(bucket, capacity, this.#now());
    return bucket;
  }

  /**
   * Takes one request and `tokens` from the key's buckets if both limits allow them now; nothing
   * when either refuses. A request larger than a whole minute's tokens is let in on a full bucket
   * (it could never run otherwise), and then empties it.
   */
  reserve(key: string, limits: KeyLimits, tokens: number): RateVerdict {
    const { rpm, tpm } = limits;
    const tokenBucket = tpm === undefined ? undefined : this.#bucket(this.#tokens, key, tpm);
    if (tokenBucket !== undefined && tpm !== undefined) {
      const needed = Math.min(tokens, tpm);
      if (tokenBucket.level < needed || tokenBucket.level <= 0) {
        return { allowed: false, retryAfterSeconds: secondsUntil(tokenBucket, Math.max(needed, 1), tpm), limit: 'tpm' };
      }
    }
    const requestBucket = rpm === undefined ? undefined : this.#bucket(this.#requests, key, rpm);
    if (requestBucket !== undefined && rpm !== undefined && requestBucket.level < 1) {
      return { allowed: false, retryAfterSeconds: secondsUntil(requestBucket, 1, rpm), limit: 'rpm' };
    }
    if (requestBucket !== undefined) requestBucket.level -= 1;
    if (tokenBucket !== undefined) tokenBucket.level -= tokens;
    return { allowed: true, reservation: { key, limits, tokens: tokenBucket === undefined ? 0 : tokens } };
  }

  /** The request ran and used `usedTokens`: the reserved tokens it did not use go back, an overrun is taken. */
  settle(reservation: RateReservation, usedTokens: number): void {
    const { tpm } = reservation.limits;
    if (tpm === undefined) return;
    this.#bucket(this.#tokens, reservation.key, tpm).level += reservation.tokens - usedTokens;
  }

  /** The request was refused after it was let in here (another limit said no): it spent nothing. */
  release(reservation: RateReservation): void {
    const { rpm } = reservation.limits;
    if (rpm !== undefined) this.#bucket(this.#requests, reservation.key, rpm).level += 1;
    this.settle(reservation, 0);
  }
}
